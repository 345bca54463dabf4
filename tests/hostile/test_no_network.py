"""Parsing opens no network connection, and markup cannot make a parser fetch anything.

Sockets are blocked for the whole pipeline run (every address family but local Unix sockets),
over the sample plus pages that point at outside resources in every way HTML and XML allow.
"""

from __future__ import annotations

import shutil
import socket

import polars as pl
import pytest
from lxml import etree

from dagster_project.defs.launch import run_pipeline
from dagster_project.lake import store
from dagster_project.lake.schemas import ARTICLE_SIGHTINGS, QUARANTINE
from dagster_project.settings import Settings
from tests.conftest import RAW_SAMPLE, REPO
from tests.hostile.test_corpus import corpus_script


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    attempts: list[str] = []

    def refuse(what):
        def blocked(*args, **kwargs):
            attempts.append(f"{what}{args[1:] if what.startswith('socket.') else args}")
            raise NetworkUsed(f"network use: {what}")

        return blocked

    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        return refuse("socket.connect")(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket.socket, "sendto", refuse("socket.sendto"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    return attempts


def test_the_block_works(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("203.0.113.9", 80), timeout=1)
    with pytest.raises(NetworkUsed), socket.socket() as s:
        s.connect(("203.0.113.9", 80))
    assert len(no_network) == 2


def test_pipeline_runs_without_any_network_use(tmp_path, no_network):
    raw = shutil.copytree(RAW_SAMPLE, tmp_path / "raw")
    for name in ("external-resources.html", "billion-laughs.html", "billion-laughs.xhtml"):
        shutil.copy(REPO / "tests" / "fixtures" / "hostile" / name, raw / name)
    secret = tmp_path / "outside" / "secret.html"
    secret.parent.mkdir()
    secret.write_text(corpus_script.SECRET, encoding="utf-8")
    (raw / "external-entity.html").write_bytes(corpus_script.external_entity_page(secret))

    outcome = run_pipeline(Settings(raw_dir=raw, warehouse_dir=tmp_path / "warehouse"), log=lambda _: None)

    assert no_network == []
    assert outcome.success, outcome
    sightings = store.scan(tmp_path / "warehouse", ARTICLE_SIGHTINGS).collect()
    titles = set(sightings["title"])
    assert {"Ressources externes : le Maroc à Quito", "Entité externe : le forum de Quito"} <= titles
    assert not sightings.filter(pl.col("body").str.contains(corpus_script.SECRET, literal=True)).height
    # the only quarantined file is the sample's deliberately truncated synthetic snapshot
    quarantined = store.scan(tmp_path / "warehouse", QUARANTINE).collect()["path"].to_list()
    assert all(p.startswith("synthetic/") for p in quarantined), quarantined


def test_lxml_refuses_external_entities_and_network_by_default(tmp_path):
    # trafilatura, justext and htmldate parse with lxml's HTML parser, which never loads a DTD or
    # an external entity; lxml's XML parser (used by trafilatura for its XML output only) resolves
    # no external entity and no network resource unless told to.
    secret = tmp_path / "secret.txt"
    secret.write_text(corpus_script.SECRET, encoding="utf-8")
    xml = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]><d>&x;</d>'.encode()
    with pytest.raises(etree.XMLSyntaxError, match="Entity 'x' not defined"):
        etree.fromstring(xml, etree.XMLParser())  # the entity is left undefined rather than read
    recovered = etree.fromstring(xml, etree.XMLParser(recover=True))
    assert corpus_script.SECRET not in etree.tostring(recovered, encoding="unicode")
    html = etree.fromstring(xml, etree.HTMLParser())
    assert corpus_script.SECRET not in etree.tostring(html, encoding="unicode")


def test_the_web_ui_command_binds_to_loopback(tmp_path):
    from dagster_project.reports import report_server
    from dagster_project.settings import Settings
    from dagster_project.webui import ui_command

    argv, _ = ui_command(Settings(raw_dir=tmp_path / "raw", warehouse_dir=tmp_path / "warehouse"))
    assert argv[argv.index("-h") + 1] == "127.0.0.1"
    server = report_server(tmp_path / "reports", port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()
