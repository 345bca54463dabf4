"""Words the synthetic aggregator is made of: outlets, a fictional cast, real places, templates.

Persons are invented (no statement is put in a real person's mouth); institutions, countries and
cities are real so that entity recognition and the catalogue have something true to resolve.
"""

from __future__ import annotations

OUTLETS = [
    "2M",
    "Le360",
    "Médias24",
    "Le Matin",
    "L'Economiste",
    "H24info",
    "MAP Express",
    "Yabiladi",
    "TelQuel",
    "Le Desk",
    "Hespress FR",
    "Barlamane",
    "LesEco.ma",
    "Maroc Diplomatique",
]

SECTIONS = ["politique", "economie", "societe", "sport", "culture", "monde"]

# (name, role, organisation, acronym or "") - one fixed affiliation per person, so co-occurrence
# networks drawn from the corpus have a structure to find.
CAST = [
    ("Karim Bennani", "ministre délégué chargé de l'Investissement", "Ministère de l'Investissement", ""),
    ("Salma Idrissi", "directrice générale", "Office national des chemins de fer", "ONCF"),
    ("Youssef El Alami", "président", "Confédération générale des entreprises du Maroc", "CGEM"),
    ("Nadia Tazi", "wali", "Bank Al-Maghrib", ""),
    ("Omar Berrada", "haut-commissaire", "Haut-Commissariat au Plan", "HCP"),
    ("Leïla Chraibi", "présidente", "Agence marocaine pour l'efficacité énergétique", "AMEE"),
    ("Hicham Ouazzani", "président", "Fédération royale marocaine de football", "FRMF"),
    ("Samira Benjelloun", "directrice", "Office national des aéroports", "ONDA"),
    ("Mehdi Lahlou", "secrétaire général", "Conseil économique, social et environnemental", "CESE"),
    ("Zineb Filali", "présidente", "Conseil national des droits de l'Homme", "CNDH"),
    ("Rachid Amrani", "directeur général", "Office chérifien des phosphates", "OCP"),
    ("Imane Kettani", "directrice", "Agence marocaine de développement des investissements", "AMDIE"),
    ("Driss Fassi", "ambassadeur", "Organisation des Nations unies", "ONU"),
    ("Amina Sqalli", "commissaire", "Union africaine", "UA"),
    ("Tarik Naciri", "directeur régional", "Banque mondiale", ""),
    ("Sofia Alaoui", "présidente", "Royal Air Maroc", "RAM"),
]

CITIES = [
    "Rabat",
    "Casablanca",
    "Tanger",
    "Marrakech",
    "Fès",
    "Agadir",
    "Dakhla",
    "Laâyoune",
    "Oujda",
    "Meknès",
    "Essaouira",
    "Tétouan",
    "Kénitra",
    "El Jadida",
]
FOREIGN_CITIES = ["Paris", "Madrid", "Bruxelles", "Dakar", "Abidjan", "Genève", "Lisbonne", "Doha"]
# (French, Spanish, English, Arabic)
COUNTRIES = [
    ("l'Espagne", "España", "Spain", "إسبانيا"),
    ("la France", "Francia", "France", "فرنسا"),
    ("le Sénégal", "Senegal", "Senegal", "السنغال"),
    ("la Côte d'Ivoire", "Costa de Marfil", "Ivory Coast", "كوت ديفوار"),
    ("le Portugal", "Portugal", "Portugal", "البرتغال"),
    ("le Qatar", "Catar", "Qatar", "قطر"),
    ("le Nigeria", "Nigeria", "Nigeria", "نيجيريا"),
    ("l'Allemagne", "Alemania", "Germany", "ألمانيا"),
]
MOROCCO = ("le Maroc", "Marruecos", "Morocco", "المغرب")

TOPICS = {
    "politique": [
        "la régionalisation avancée",
        "la réforme de l'administration",
        "la diplomatie parlementaire",
        "la protection sociale",
        "la lutte contre la corruption",
    ],
    "economie": [
        "l'investissement industriel",
        "la transition énergétique",
        "l'hydrogène vert",
        "le financement des PME",
        "les exportations agricoles",
        "le tourisme",
    ],
    "societe": [
        "l'accès à l'eau potable",
        "la scolarisation en milieu rural",
        "la santé de proximité",
        "le logement social",
        "la mobilité urbaine",
    ],
    "sport": [
        "la préparation de la Coupe du monde 2030",
        "la formation des jeunes talents",
        "les infrastructures sportives",
        "le football féminin",
    ],
    "culture": [
        "la musique gnaoua",
        "le cinéma marocain",
        "le patrimoine amazigh",
        "l'art contemporain",
        "la lecture publique",
    ],
    "monde": ["la sécurité alimentaire", "la migration", "le climat", "la coopération Sud-Sud"],
}
TEAMS = [
    "le Wydad",
    "le Raja",
    "l'AS FAR",
    "la RS Berkane",
    "le Maghreb de Fès",
    "l'Ittihad de Tanger",
    "le Hassania d'Agadir",
]

HEADLINES_FR = {
    "politique": [
        "{city} : {person} plaide pour {topic}",
        "{org} : {person} présente une feuille de route sur {topic}",
        "Le Maroc et {country} renforcent leur coopération sur {topic}",
        "{acr_or_org} : une nouvelle étape pour {topic}",
    ],
    "economie": [
        "{acr_or_org} : hausse de {pct} % {metric} en {month}",
        "{city} accueille les Assises nationales sur {topic}",
        "{person} : « {topic_cap} est une priorité pour {year} »",
        "Investissement : {city} attire {n} nouveaux projets",
    ],
    "societe": [
        "{city} : un programme de {n} millions de dirhams pour {topic}",
        "{acr_or_org} publie son rapport annuel sur {topic}",
        "Région de {city} : {person} lance un plan pour {topic}",
    ],
    "sport": [
        "Botola : {team} s'impose face à {team2} ({s1}-{s2})",
        "{acr_or_org} : {person} dévoile le programme sur {topic}",
        "{team} et {team2} se neutralisent à {city}",
    ],
    "culture": [
        "Festival de {city} : une {n}e édition consacrée à {topic}",
        "{city} célèbre {topic} avec une exposition inédite",
        "Rencontre à {city} autour de {topic}",
    ],
    "monde": [
        "{foreign} : le Maroc défend sa vision de {topic}",
        "{person} reçoit à {city} une délégation venue de {country}",
        "{acr_or_org} et {country} signent un accord sur {topic}",
    ],
}
HEADLINES_OTHER = {
    "es": [
        "Marruecos y {country} refuerzan su cooperación económica",
        "{city} acogerá un foro internacional sobre energías renovables",
        "Marruecos firma con {country} un acuerdo sobre migración",
    ],
    "en": [
        "Morocco and {country} sign agreement on renewable energy",
        "{city} to host international forum on water security",
        "Morocco's exports to {country} reach record high",
    ],
    "ar": [
        "المغرب و{country} يعززان التعاون الاقتصادي",
        "المغرب يستضيف منتدى دوليا حول الطاقات المتجددة",
        "توقيع اتفاقية جديدة بين المغرب و{country}",
    ],
}

# Body sentences. {person} is the story's protagonist, {role}/{org}/{acr} their affiliation.
PARAGRAPHS_FR = [
    "{person}, {role} {org_de}, a présenté {weekday} à {city} les grandes lignes d'un programme "
    "consacré à {topic}, en présence de représentants des collectivités territoriales et du secteur privé.",
    "Selon {person}, le Maroc entend accélérer les chantiers engagés ces dernières années, notamment dans "
    "les régions de {city} et de {city2}, où {n} projets sont déjà en cours de réalisation.",
    "Intervenant lors de cette rencontre, {person2}, {role2} {org2_de}, a souligné l'importance d'une "
    "coordination étroite entre les institutions nationales et les partenaires internationaux.",
    "Les données publiées par le Haut-Commissariat au Plan (HCP) font état d'une progression de {pct} % "
    "sur un an, un rythme jugé encourageant par les observateurs.",
    "La délégation marocaine s'est ensuite rendue à {foreign}, où elle a rencontré ses homologues de "
    "{country} pour examiner les moyens de renforcer la coopération bilatérale.",
    "{person_short} a rappelé que cette démarche s'inscrit dans le cadre des orientations du nouveau modèle "
    "de développement, qui place {topic} au cœur des politiques publiques.",
    "Plusieurs conventions ont été signées à cette occasion, dont une avec la Banque mondiale portant sur "
    "un financement de {n} millions de dollars.",
    "Les professionnels du secteur estiment toutefois que des efforts restent à faire, en particulier pour "
    "simplifier les procédures et améliorer l'accès à l'information.",
    "Cette initiative intervient alors que {city} s'apprête à accueillir, du {d1} au {d2} {month}, une "
    "conférence internationale réunissant experts, élus et acteurs de la société civile.",
    "Dans une déclaration à la presse, {person_short} a affirmé que les premiers résultats seraient "
    "présentés avant la fin de l'année {year}.",
]
PARAGRAPHS_OTHER = {
    "es": [
        "{person}, responsable de {org}, presentó en {city} un programa dedicado a la cooperación entre Marruecos y "
        "{country}.",
        "Según las cifras oficiales, los intercambios comerciales aumentaron un {pct} % en {year}.",
        "La delegación marroquí se reunió después en {foreign} con representantes de {country}.",
    ],
    "en": [
        "{person}, head of {org}, presented in {city} a programme on cooperation between Morocco and {country}.",
        "According to official figures, trade grew by {pct} % in {year}.",
        "The Moroccan delegation later met representatives of {country} in {foreign}.",
    ],
    "ar": [
        "قدم {person_ar} في {city_ar} برنامجا للتعاون بين المغرب و{country}.",
        "وحسب الأرقام الرسمية، ارتفعت المبادلات التجارية بنسبة {pct} في المائة خلال سنة {year}.",
        "والتقى الوفد المغربي بعد ذلك بممثلين عن {country}.",
    ],
}
CITIES_AR = {
    "Rabat": "الرباط",
    "Casablanca": "الدار البيضاء",
    "Tanger": "طنجة",
    "Marrakech": "مراكش",
    "Fès": "فاس",
    "Agadir": "أكادير",
    "Dakhla": "الداخلة",
    "Laâyoune": "العيون",
    "Oujda": "وجدة",
    "Meknès": "مكناس",
    "Essaouira": "الصويرة",
    "Tétouan": "تطوان",
    "Kénitra": "القنيطرة",
    "El Jadida": "الجديدة",
}
METRICS = [
    "du trafic passagers",
    "des exportations",
    "des recettes touristiques",
    "des investissements",
    "de la production industrielle",
]
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
WEEKDAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MENU = [
    ("", "Accueil"),
    ("rubrique/politique", "Politique"),
    ("rubrique/economie", "Economie"),
    ("rubrique/societe", "Société"),
    ("rubrique/sport", "Sport"),
    ("rubrique/culture", "Culture"),
    ("rubrique/monde", "Monde"),
    ("rubrique/regions", "Régions"),
    ("rubrique/medias", "Médias"),
]
