"""Registers through the service: declared in the project's parameters, refused when they name
no agency, and a programme's results name the register's kind only; the report answers."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from padan.linker.service import Settings, create_app, create_coordinator_token

from .helpers import FINGERPRINT, auth, encoding_bytes, make_project, upload


def test_a_register_that_is_no_agency_is_refused(client, coordinator_token):
    body = {"project_id": "proj", "schema_fingerprint": FINGERPRINT, "agencies": ["dtks"],
            "parameters": {"registers": ["mati=deaths"]}}
    response = client.post("/projects", json=body, headers=auth(coordinator_token))
    assert response.status_code == 422, response.text
    assert "mati" in response.json()["error"]["message"]
    body["parameters"] = {"registers": ["dtks=graves"]}
    response = client.post("/projects", json=body, headers=auth(coordinator_token))
    assert response.status_code == 422 and "registers" in response.json()["error"]["message"]


def test_programmes_learn_the_register_kind_and_the_report_answers(tmp_path, database_url):
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url,
                        embedded_worker=True, worker_poll_seconds=0.1)
    coordinator = create_coordinator_token(settings, "koordinator")
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        tokens = make_project(client, coordinator, agencies=("dtks", "kjp", "mati"),
                              parameters={"blocking": ["none"], "registers": ["mati=deaths"],
                                          "programme_kinds": ["dtks=bansos", "kjp=bansos"]})
        # the first 10 records of every list are the same people (shared_from)
        for seed, name in enumerate(("dtks", "kjp", "mati")):
            data = encoding_bytes(tmp_path, seed=seed, shared_from=10)
            assert upload(client, tokens[name], "proj", data).status_code == 200
        run = client.post("/projects/proj/runs", headers=auth(coordinator)).json()
        deadline = time.monotonic() + 60
        while (state := client.get(f"/projects/proj/runs/{run['run_id']}",
                                   headers=auth(coordinator)).json())["state"] != "done":
            assert state["state"] in ("queued", "running") and time.monotonic() < deadline
            time.sleep(0.1)
        results = client.get("/projects/proj/runs/latest/results",
                             headers=auth(tokens["dtks"])).json()
        assert {m["other_party"] for m in results["matches"]} == {"kjp"}
        assert len(results["registers"]) == 10
        assert {(r["kind"], r["band"]) for r in results["registers"]} == {("deaths", "match")}
        csv = client.get("/projects/proj/runs/latest/results?format=csv",
                         headers=auth(tokens["kjp"])).text
        assert "mati" not in csv and csv.count(",register,") == 10
        report = client.get("/projects/proj/runs/latest/report",
                            headers=auth(tokens["bpk"])).json()["report"]
        answers = report["questions"]
        assert answers["double_recipients"][0]["match"] == 10
        assert {r["programme"]: r["match"] for r in answers["dead_still_paid"]} == {
            "dtks": 10, "kjp": 10}
        assert answers["eligible_missing"] == []
    app.state.padan.engine.dispose()
