"""The command table: each top-level command is registered by the group COMMANDS names, so a
command imports only its own group's module; help and unknown words still see every command."""

from __future__ import annotations

import argparse
import importlib

import pytest

from kiosk.cli import COMMANDS, GROUPS, build_parser, groups_for


def _registered_by(group: str) -> set[str]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    importlib.import_module(f"kiosk.cli.{group}").register(sub)
    return set(sub.choices)


def test_command_table_matches_what_each_group_registers() -> None:
    registered = {cmd: group for group in GROUPS for cmd in _registered_by(group)}
    assert registered == COMMANDS


@pytest.mark.parametrize(
    ("argv", "groups"),
    [
        (["orders", "place", "--json"], ("orders",)),
        (["--data-dir", "orders", "status"], ("sync",)),  # the folder may be called "orders"
        (["--data-dir=/x", "doctor"], ("maintenance",)),
        ([], ("gui",)),
        (["--version"], ("gui",)),
        (["--help"], GROUPS),
        (["orders", "--help"], ("orders",)),
        (["no-such-command"], GROUPS),
    ],
)
def test_groups_for(argv: list[str], groups: tuple[str, ...]) -> None:
    assert groups_for(argv) == groups


def test_unknown_command_error_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser(groups_for(["no-such-command"])).parse_args(["no-such-command"])
    err = capsys.readouterr().err
    assert all(cmd in err for cmd in COMMANDS)
