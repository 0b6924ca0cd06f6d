"""The CLI reference, generated from the CLI itself so the documentation cannot drift from it."""

from __future__ import annotations

import typer.main

from eslabon.cli.app import app


def _param_line(param) -> str:
    names = ", ".join(f"`{o}`" for o in param.opts)
    kind = "argument" if param.param_type_name == "argument" else "option"
    help_text = (getattr(param, "help", None) or "").strip()
    default = getattr(param, "default", None)
    shown = ""
    if kind == "option" and default not in (None, False, "", ()) and not callable(default):
        shown = f" (default: `{default}`)"
    required = " (required)" if getattr(param, "required", False) else ""
    return f"- {names} — {kind}{required}{shown}: {help_text}".rstrip(": ")


def cli_reference() -> str:
    """Markdown for every command: its purpose, arguments and options, in registration order."""
    group = typer.main.get_command(app)
    lines = [
        "# eslabon command reference",
        "",
        "Generated from the CLI by `python -m eslabon.cli.reference > docs/cli.md`;",
        "a test fails when this file and the CLI disagree.",
        "",
        "## Options of every command",
        "",
    ]
    lines.extend(_param_line(p) for p in group.params if p.name != "help")
    lines.append("")

    def document(prefix: str, commands: dict) -> None:
        for name, command in commands.items():
            lines.extend([f"## `{prefix} {name}`", "", (command.help or "").strip(), ""])
            params = [p for p in command.params if p.name != "help"]
            lines.extend(_param_line(p) for p in params)
            lines.append("")
            document(f"{prefix} {name}", getattr(command, "commands", {}))  # sub-apps: users …

    document("eslabon", group.commands)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(cli_reference(), end="")
