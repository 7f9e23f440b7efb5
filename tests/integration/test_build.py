"""The build: golden output, determinism, atomicity, base paths and path safety."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from golden import build_fixture, expected_dir, tree

from sitegen.config import load_config
from sitegen.engine.builder import build
from sitegen.engine.tree import AtomicTree, check_relative
from sitegen.errors import OutputError, SitegenError


def test_fixture_matches_golden_output(tmp_path):
    """Compare file by file; on an intended change run `make golden` and review the diff."""
    built = tree(build_fixture("basic", tmp_path / "site"))
    expected = tree(expected_dir("basic"))
    assert sorted(built) == sorted(expected)
    for name in sorted(expected):
        assert built[name] == expected[name], f"{name} differs from the golden copy"


def test_two_builds_are_byte_identical(basic_site, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    config = load_config(basic_site)
    a = tree(build(config, output=tmp_path / "a").output)
    b = tree(build(config, output=tmp_path / "b").output)
    assert a == b
    assert b"<updated>2026-11-28T00:00:00Z</updated>" in a["feed.xml"]  # from the content


def test_failed_build_leaves_previous_output(basic_site):
    config = load_config(basic_site)
    build(config)
    before = tree(config.output_dir)
    entry = basic_site / "content" / "entries" / "1994-partnership.md"
    entry.write_text(entry.read_text().replace("kind: agreement", "kind: agreemnt"))
    with pytest.raises(SitegenError):
        build(config)
    assert tree(config.output_dir) == before
    assert not list(basic_site.glob(".output.*")), "no temporary folder is left behind"


def test_template_failure_mid_render_leaves_previous_output(basic_site):
    config = load_config(basic_site)
    build(config)
    before = tree(config.output_dir)
    tpl = basic_site / "templates" / "year.html"
    tpl.write_text(tpl.read_text().replace("{{ year }}", "{{ year_typo }}", 1))
    with pytest.raises(SitegenError) as info:
        build(config)
    text = info.value.format()
    assert "templates/year.html:3: template error: 'year_typo' is undefined" in text
    assert tree(config.output_dir) == before


def test_leftovers_of_a_killed_build_are_cleaned(basic_site):
    config = load_config(basic_site)
    stale = basic_site / ".output.tmp-99999"
    (stale / "entries").mkdir(parents=True)
    build(config)
    assert not stale.exists()
    assert (config.output_dir / "index.html").is_file()


def test_base_path_is_honoured_everywhere(basic_site, tmp_path):
    config = load_config(basic_site).with_base_url("https://timeline.test/x/")
    out = build(config, output=tmp_path / "site").output
    for name, data in tree(out).items():
        if not name.endswith((".html", ".xml", ".json")):
            continue
        text = data.decode()
        for url in re.findall(r'(?:href|src)="([^"]+)"', text):
            if url.startswith(("http://", "https://", "#", "mailto:")):
                assert not url.startswith("https://timeline.test/") or url.startswith(
                    "https://timeline.test/x/"), (name, url)
                continue
            assert url.startswith("/x/"), f"{name}: {url} escapes the base path"
        for url in re.findall(r"https://timeline\.test/[^\s\"<]*", text):
            assert url.startswith("https://timeline.test/x/"), (name, url)


@pytest.mark.parametrize("rel", ["../evil.html", "/etc/passwd", "a/../../b", "a\\..\\b", "", "a//b",
                                 "./x"])
def test_no_path_leaves_the_output(tmp_path, rel):
    with pytest.raises(OutputError):
        check_relative(rel)
    with AtomicTree(tmp_path / "out") as out, pytest.raises(OutputError):
        out.write(rel, b"x")
    assert not (tmp_path / "evil.html").exists()


@pytest.mark.parametrize("stem", ["..", "a..b", "UP", "x y", "évian"])
def test_entry_ids_must_be_url_safe(basic_site, stem):
    src = basic_site / "content" / "entries" / "1994-partnership.md"
    text = src.read_text().replace("kind: agreement", f'kind: agreement\nid: "{stem}"')
    src.write_text(text)
    with pytest.raises(SitegenError) as info:
        build(load_config(basic_site))
    assert "is not URL-safe" in info.value.format()


@pytest.mark.parametrize("where", ["content", ".", "templates", "/"])
def test_output_may_not_overlap_the_sources(basic_site, where):
    target = Path(where) if where == "/" else basic_site / where
    with pytest.raises(OutputError) as info:
        build(load_config(basic_site), output=target)
    assert "--output" in info.value.format()
    assert (basic_site / "content" / "entries" / "1994-partnership.md").is_file()


def test_output_folder_with_foreign_files_is_refused(basic_site, tmp_path):
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.docx").write_bytes(b"years of work")
    with pytest.raises(OutputError) as info:
        build(load_config(basic_site), output=precious)
    assert "holds files that sitegen did not write" in info.value.format()
    assert (precious / "thesis.docx").read_bytes() == b"years of work"


def test_drafts_flag(basic_site, tmp_path):
    config = load_config(basic_site)
    assert not (build(config, output=tmp_path / "a").output / "entries" / "2023-draft").exists()
    out = build(config, output=tmp_path / "b", drafts=True).output
    assert "DRAFT" in (out / "entries" / "2023-draft" / "index.html").read_text()


def test_cname_and_nojekyll(basic_site, tmp_path):
    (basic_site / "sitegen.toml").write_text(
        (basic_site / "sitegen.toml").read_text() + 'cname = "timeline.example.org"\n')
    out = build(load_config(basic_site), output=tmp_path / "s").output
    assert (out / "CNAME").read_text() == "timeline.example.org\n"
    assert (out / ".nojekyll").exists()


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=120)


def test_cli_build_summary_and_exit_codes(basic_site):
    ok = run_cli("build", cwd=basic_site)
    assert ok.returncode == 0, ok.stderr
    assert re.search(r"built 4 entries, \d+ pages in [\d.]+ s", ok.stdout)
    assert "warning: sources: no primary source" in ok.stderr
    strict = run_cli("check", "--strict", cwd=basic_site)
    assert strict.returncode == 1 and "no primary source" in strict.stderr
    usage = run_cli("build", "--no-such-flag", cwd=basic_site)
    assert usage.returncode == 2
    bad = basic_site / "content" / "entries" / "1994-partnership.md"
    bad.write_text(bad.read_text().replace("date: 1994", "date: 1994-13"))
    err = run_cli("build", cwd=basic_site)
    assert err.returncode == 1
    assert "content/entries/1994-partnership.md:4: date: '1994-13': month 13 does not exist" in (
        err.stderr)
    assert "Traceback" not in err.stderr


def test_cli_version_and_help(tmp_path):
    assert run_cli("--version", cwd=tmp_path).stdout.startswith("sitegen ")
    helptext = run_cli("--help", cwd=tmp_path).stdout
    for command in ("build", "check", "serve", "new"):
        assert command in helptext


def test_help_does_not_import_heavy_modules(tmp_path):
    code = ("import sys; from sitegen.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('jinja2', 'markdown', 'yaml', 'frontmatter', 'livereload', "
            "'tornado') if m in sys.modules]\nprint(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_new_writes_a_valid_skeleton_and_never_overwrites(basic_site):
    made = run_cli("new", "Talks on <things>", "--date", "2010-11-20", "--kind", "summit",
                   cwd=basic_site)
    assert made.returncode == 0, made.stderr
    path = basic_site / "content" / "entries" / "2010-11-20-talks-on-things.md"
    assert path.is_file()
    again = run_cli("new", "Talks on <things>", "--date", "2010-11-20", cwd=basic_site)
    assert again.returncode == 1 and "already exists" in again.stderr
    bad_date = run_cli("new", "X", "--date", "2010-02-30", cwd=basic_site)
    assert bad_date.returncode == 2 and "not a real date" in bad_date.stderr
    # the skeleton is a draft that passes validation once drafts are included
    check = run_cli("check", cwd=basic_site)
    assert check.returncode == 0, check.stderr
