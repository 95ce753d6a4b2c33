"""`padan demo` on an Indonesian machine: its output and its auditors' dashboard in Indonesian."""

from __future__ import annotations

from typer.testing import CliRunner

from padan.cli.main import app

runner = CliRunner()


def test_the_demo_speaks_indonesian_where_the_locale_does(tmp_path):
    folder = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(folder), "--size", "60", "--seed", "3"],
                           env={"LANG": "id_ID.UTF-8", "COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "irisan antarpasangan, proyek demo" in result.output
    assert "dasbor auditor:" in result.output and "selesai dalam" in result.output
    assert "kebenaran sintetis" in result.output
    dashboard = (folder / "auditor" / "dashboard.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in dashboard and "Laporan irisan — demo" in dashboard
    revealed = (folder / "agencies" / "DTKS" / "DTKS.revealed.csv").read_text(encoding="utf-8")
    assert "padan_baris,padan_kelompok,padan_kategori" in revealed.splitlines()[0]
