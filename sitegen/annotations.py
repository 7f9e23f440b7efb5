"""Problems as GitHub workflow annotations (`sitegen check --format github`).

A line ``::error file=F,line=N,title=T::MESSAGE`` on a workflow's output makes GitHub show
the message on line N of file F in the pull request's changed files. GitHub reads ``%``,
carriage returns and newlines in the message, and also ``:`` and ``,`` in the properties,
as syntax: they are written as ``%25``, ``%0D``, ``%0A``, ``%3A`` and ``%2C``
(the escaping of @actions/core's ``issueCommand``).
"""

from __future__ import annotations

from sitegen.errors import Problem, printable


def escape_data(text: str) -> str:
    """``text`` as an annotation's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """``text`` as the value of an annotation's property (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem, title: str = "sitegen") -> str:
    """One problem as a workflow command: ``::error`` or ``::warning``, at its file and line.

    The file is the problem's path as sitegen shows it (relative to the project: run the
    check from the repository's root, as the workflows `sitegen init` writes do). Control
    characters of the content are shown escaped, as in the terminal.
    """
    command = "warning" if problem.severity == "warning" else "error"
    props = [f"file={escape_property(printable(problem.path))}"]
    if problem.line is not None:
        props.append(f"line={problem.line}")
    heading = f"{title}: {printable(problem.field)}" if problem.field else title
    props.append(f"title={escape_property(heading)}")
    message = printable(problem.message)
    if problem.hint:
        message += "\nhint: " + printable(problem.hint)
    return f"::{command} {','.join(props)}::{escape_data(message)}"


def plain_annotation(command: str, title: str, message: str) -> str:
    """An annotation that names no file (a broken link of the built site)."""
    return (f"::{command} title={escape_property(printable(title))}::"
            f"{escape_data(printable(message))}")
