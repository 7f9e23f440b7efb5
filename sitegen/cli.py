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

    c = sub.add_parser("check", help="validate all content and templates, write nothing")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.add_argument("--links", action="store_true",
                   help="also build into a temporary folder and check every internal link")
    c.add_argument("--external", action="store_true",
                   help="with --links: also try external links (needs a network)")

    s = sub.add_parser("serve", help="preview on http://127.0.0.1:8000/ with live reload")
    s.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    s.add_argument("--no-reload", action="store_true", help="do not watch or reload")
    s.add_argument("--base-url", metavar="URL", help="preview under this base URL's path")

    v = sub.add_parser("verify-output", help="check a built site before publishing it: no "
                       "links, no special files, only the kinds of files a site holds")
    v.add_argument("dir", metavar="DIR", help="the folder to check (e.g. output or _site)")

    n = sub.add_parser("new", help="write a new entry skeleton in content/entries/")
    n.add_argument("title", help="the event's title, in quotes")
    n.add_argument("--date", required=True, help="2022-01-12, 2008-08 or 1994")
    n.add_argument("--kind", default="meeting", help="the kind of event (default: meeting)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from sitegen.errors import SitegenError, error_text

    try:
        return _run(args)
    except SitegenError as exc:
        print(exc.format(), file=sys.stderr)
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

    root = Path(args.project)
    if not root.is_dir():
        raise UsageError(problems=[Problem(str(root), None, "-C", "does not exist"
                                           if not root.exists() else "is not a folder",
                                           "give the project folder (the one with content/)")])
    config = load_config(root)
    if getattr(args, "base_url", None):
        config = config.with_base_url(args.base_url)

    if args.command == "build":
        from sitegen.engine.builder import build

        output = Path(args.output) if args.output else None
        result = build(config, drafts=args.drafts, strict=args.strict, output=output,
                       search=config.search and not args.no_search)
        _print_warnings(result.warnings)
        print(f"built {result.summary()}")
        return 0

    if args.command == "check":
        from sitegen.engine.builder import check

        result = check(config, strict=args.strict)
        _print_warnings(result.warnings)
        if args.links:
            from sitegen.outputs.linkcheck import check_links

            return check_links(config, external=args.external)
        print(f"ok: {result.entries} entries, {result.pages} pages checked, "
              f"{len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''}")
        return 0

    if args.command == "new":
        from sitegen.content.scaffold import new_entry

        path = new_entry(config, args.title, args.date, args.kind)
        shown = path.relative_to(config.root) if path.is_relative_to(config.root) else path
        print(f"wrote {shown}")
        return 0

    if args.command == "serve":
        from sitegen.preview.command import serve

        return serve(config, host=args.host, port=args.port, reload=not args.no_reload,
                     base_url=args.base_url)
    raise AssertionError(args.command)


def _print_warnings(warnings: list) -> None:  # type: ignore[type-arg]
    for w in warnings:
        print(w.format(), file=sys.stderr)
