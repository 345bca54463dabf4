"""Entity mentions in article text: spaCy pipelines per language, plus rules that clean their spans."""
