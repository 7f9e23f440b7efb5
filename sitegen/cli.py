"""The command line: arguments, exit codes, and the one place errors become messages.

Heavy modules are imported inside the commands so that `sitegen --help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sitegen import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description="Build a static site from a sourced timeline kept in Markdown files.",
        epilog="Exit codes: 0 success, 1 content or build errors, 2 usage errors.",
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    parser.add_argument("-C", "--project", metavar="DIR", default=".",
                        help="the project folder (default: the current folder)")
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="build the site into output/")
    b.add_argument("--base-url", metavar="URL", help="publish under this URL (e.g. a project "
                   "site https://user.github.io/repo/)")
    b.add_argument("--drafts", action="store_true", help="include entries marked draft: true")
    b.add_argument("--output", metavar="DIR", help="build into DIR instead of output/")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--no-search", action="store_true",
                   help="skip the Pagefind search index (faster; the search page stays empty)")
    b.add_argument("--offline", action="store_true",
                   help="a copy that opens from disk (relative links, no search index) into "
                   "output-offline/ or --output DIR")

    c = sub.add_parser("check", help="validate all content and templates, write nothing")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.add_argument("--links", action="store_true",
                   help="also build into a temporary folder and check every internal link")
    c.add_argument("--external", action="store_true",
                   help="with --links: also try external links (needs a network)")
    c.add_argument("--format", choices=("text", "github"), default="text",
                   help="github: also print each problem as a GitHub workflow annotation, "
                   "so a pull request shows it on its line")

    s = sub.add_parser("serve", help="preview on http://127.0.0.1:8000/ with live reload")
    s.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    s.add_argument("--no-reload", action="store_true", help="do not watch or reload")
    s.add_argument("--base-url", metavar="URL", help="preview under this base URL's path")

    v = sub.add_parser("verify-output", help="check a built site before publishing it: no "
                       "links, no special files, only the kinds of files a site holds")
    v.add_argument("dir", metavar="DIR", help="the folder to check (e.g. output or _site)")

    n = sub.add_parser("new", help="write a new entry in content/entries/ from the site's "
                       "archetype")
    n.add_argument("title", help="the event's title, in quotes")
    n.add_argument("--date", required=True, help="2022-01-12, 2008-08 or 1994")
    n.add_argument("--kind", help="one of the site's kinds (default: the archetype's kind, "
                   "else the first kind in the settings)")

    i = sub.add_parser("init", help="start a new site in DIR: settings, sample content, "
                       "archetype, editors' guide and publishing workflows")
    i.add_argument("dir", metavar="DIR", help="the new site's folder (created if missing)")
    i.add_argument("--title", help="the site's title (default: from the folder's name)")
    i.add_argument("--language", default="en", help="the pages' language (default: en)")
    i.add_argument("--base-url", metavar="URL", default="http://127.0.0.1:8000/",
                   help="where the site will be published (you can change it later)")
    i.add_argument("--force", action="store_true",
                   help="write into a folder that is not empty (never replaces a file)")

    sc = sub.add_parser("schema", help="print the JSON Schema of an entry's front matter, "
                        "made from the site's settings, for editors")
    sc.add_argument("--output", metavar="FILE", help="write it to FILE instead")
    return parser


# commands that write files: a failure says that nothing was written
WRITERS = ("build", "new", "init", "schema", "serve")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from sitegen.accel.gates import notices_to
    from sitegen.errors import SitegenError, error_text

    try:
        with notices_to(sys.stderr):  # fallbacks to stock library code: one line each
            return _run(args)
    except SitegenError as exc:
        if getattr(args, "format", "text") == "github":
            from sitegen.annotations import annotation

            for problem in exc.problems:
                print(annotation(problem))
        print(exc.format(wrote_nothing=args.command in WRITERS), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in sitegen itself: say so plainly
        if args.debug or os.environ.get("SITEGEN_DEBUG"):
            raise
        print(error_text(exc), file=sys.stderr)
        return 70


def _run(args: argparse.Namespace) -> int:
    from sitegen.config import load_config
    from sitegen.errors import Problem, UsageError

    if args.command == "verify-output":  # a folder, not a project: no configuration
        from sitegen.outputs.verify import verify_output

        files = verify_output(Path(args.dir), args.dir.rstrip("/") or "/")
        print(f"ok: {args.dir.rstrip('/') or '/'} holds {files} files, no links, only the "
              "kinds of files a site holds")
        return 0
    if args.command == "init":  # makes the project: no configuration yet
        from sitegen.newsite import init_site

        target = Path(args.project) / args.dir
        written = init_site(target, title=args.title, language=args.language,
                            base_url=args.base_url, force=args.force)
        print(f"wrote {len(written)} files into {args.dir}; next: cd {args.dir} && "
              "sitegen serve (the samples are drafts: see README.md there)")
        return 0

    root = Path(args.project)
    if not root.is_dir():
        raise UsageError(problems=[Problem(str(root), None, "-C", "does not exist"
                                           if not root.exists() else "is not a folder",
                                           "give the project folder (the one with content/)")])
    if args.command in ("build", "check", "serve"):
        from sitegen.accel.gates import check_all

        # before anything parses YAML or Markdown (the settings may: an archetype) and before
        # any worker starts: each notice is printed once, in the gates' order
        check_all()
    config = load_config(root)
    if getattr(args, "base_url", None):
        config = config.with_base_url(args.base_url)

    if args.command == "build":
        from sitegen.engine.builder import build

        output = Path(args.output) if args.output else None
        if args.offline:
            from sitegen.outputs.offline import build_offline

            result = build_offline(config, drafts=args.drafts, strict=args.strict,
                                   output=output)
        else:
            result = build(config, drafts=args.drafts, strict=args.strict, output=output,
                           search=config.search and not args.no_search)
        _print_warnings(result.warnings)
        print(f"built {result.summary()}")
        return 0

    if args.command == "check":
        from sitegen.engine.builder import check
        from sitegen.i18n.catalogs import with_untranslated

        result = with_untranslated(check(config, strict=args.strict), config, args.strict)
        _print_warnings(result.warnings, github=args.format == "github")
        from sitegen.content.history import omitted_notice

        note = omitted_notice(config)  # about the checkout, not the content: never --strict
        if note:
            print(f"notice: {note}", file=sys.stderr)
        if args.links:
            from sitegen.outputs.linkcheck import check_links

            return check_links(config, external=args.external,
                               annotations=args.format == "github")
        print(f"ok: {result.entries} entries, {result.pages} pages checked, "
              f"{len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''}")
        return 0

    if args.command == "new":
        from sitegen.content.scaffold import new_entry

        path, warnings = new_entry(config, args.title, args.date, args.kind)
        _print_warnings(warnings)
        shown = path.relative_to(config.root) if path.is_relative_to(config.root) else path
        print(f"wrote {shown}")
        return 0

    if args.command == "schema":
        from sitegen.content.schema import entry_schema_json

        data = entry_schema_json(config)
        if args.output:
            Path(args.output).write_bytes(data)
            print(f"wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(data.decode("utf-8"))
        return 0

    if args.command == "serve":
        from sitegen.preview.command import serve

        return serve(config, host=args.host, port=args.port, reload=not args.no_reload,
                     base_url=args.base_url)
    raise AssertionError(args.command)


def _print_warnings(warnings: list, github: bool = False) -> None:  # type: ignore[type-arg]
    """Each warning on stderr; with ``github`` also as an annotation on stdout."""
    if github:
        from sitegen.annotations import annotation

        for w in warnings:
            print(annotation(w))
    for w in warnings:
        print(w.format(), file=sys.stderr)
