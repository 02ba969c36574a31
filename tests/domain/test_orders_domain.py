"""The order state machine, payment kinds and order line checks."""

from __future__ import annotations

import itertools

import pytest

from kiosk.errors import IllegalTransition, InvalidInput
from kiosk.orders import (
    FINAL,
    MAX_LINES,
    MAX_QTY_PER_LINE,
    TRANSITIONS,
    LineRequest,
    OrderStatus,
    Payment,
    can_transition,
    check_transition,
    local_order_no,
    merge_lines,
    parse_item,
    parse_payment,
    parse_status,
    status_path,
)

S = OrderStatus

#: The state machine as written in docs/orders.md; the code must match it exactly.
DOCUMENTED = {
    (S.PLACED, S.SUBMITTED),
    (S.PLACED, S.ACCEPTED),
    (S.PLACED, S.REJECTED),
    (S.PLACED, S.CANCELLED),
    (S.SUBMITTED, S.ACCEPTED),
    (S.SUBMITTED, S.REJECTED),
    (S.SUBMITTED, S.CANCELLED),
    (S.ACCEPTED, S.SHIPPED),
    (S.ACCEPTED, S.CANCELLED),
    (S.SHIPPED, S.ARRIVED),
    (S.ARRIVED, S.PICKED_UP),
    (S.ARRIVED, S.RETURNED),
    (S.PICKED_UP, S.RETURNED),
}
ALL_PAIRS = list(itertools.product(OrderStatus, OrderStatus))


def test_transitions_table_matches_the_documented_machine() -> None:
    actual = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert actual == DOCUMENTED
    assert set(TRANSITIONS) == set(OrderStatus)
    assert {S.REJECTED, S.CANCELLED, S.RETURNED} == FINAL


@pytest.mark.parametrize(("a", "b"), sorted(DOCUMENTED))
def test_every_legal_transition_is_allowed(a: OrderStatus, b: OrderStatus) -> None:
    assert can_transition(a, b)
    check_transition(a, b)  # does not raise


@pytest.mark.parametrize(("a", "b"), [p for p in ALL_PAIRS if p not in DOCUMENTED])
def test_every_illegal_transition_is_refused(a: OrderStatus, b: OrderStatus) -> None:
    assert not can_transition(a, b)
    with pytest.raises(IllegalTransition) as info:
        check_transition(a, b)
    message = str(info.value)
    assert a.value in message and "\n" not in message
    if a == b:
        assert "already" in message
    else:
        assert b.value in message


def test_parse_status_and_payment() -> None:
    assert parse_status(" Picked_Up ") is S.PICKED_UP
    with pytest.raises(InvalidInput, match="use one of"):
        parse_status("lost")
    assert parse_payment("CASH") is Payment.CASH
    assert parse_payment("on_pickup") is Payment.ON_PICKUP
    with pytest.raises(InvalidInput, match="cash or on_pickup"):
        parse_payment("card")


def test_line_request_checks() -> None:
    assert LineRequest("LY-0001", 1).qty == 1
    assert LineRequest("LY-0001", MAX_QTY_PER_LINE).qty == MAX_QTY_PER_LINE
    for bad_qty in (0, -1, MAX_QTY_PER_LINE + 1):
        with pytest.raises(InvalidInput, match="between 1 and"):
            LineRequest("LY-0001", bad_qty)
    for bad_type in (1.0, True, "2"):
        with pytest.raises(InvalidInput, match="whole number"):
            LineRequest("LY-0001", bad_type)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="SKU"):
        LineRequest("  ", 1)


def test_parse_item() -> None:
    assert parse_item("LY-0001:3") == LineRequest("LY-0001", 3)
    assert parse_item("LY-0001") == LineRequest("LY-0001", 1)
    assert parse_item(" A:B:2 ") == LineRequest("A:B", 2)
    with pytest.raises(InvalidInput, match="SKU:QTY"):
        parse_item("LY-0001:two")
    with pytest.raises(InvalidInput, match="between"):
        parse_item("LY-0001:0")


def test_merge_lines() -> None:
    merged = merge_lines([LineRequest("B", 1), LineRequest("A", 2), LineRequest("B", 3)])
    assert merged == [LineRequest("B", 4), LineRequest("A", 2)]
    with pytest.raises(InvalidInput, match="at least one"):
        merge_lines([])
    with pytest.raises(InvalidInput, match="at most"):
        merge_lines([LineRequest(f"S{i}", 1) for i in range(MAX_LINES + 1)])
    with pytest.raises(InvalidInput, match="between"):
        merge_lines([LineRequest("A", MAX_QTY_PER_LINE), LineRequest("A", 1)])


def test_local_order_no() -> None:
    assert local_order_no("C017", 42) == "C017-0042"
    assert local_order_no("LOCAL", 12345) == "LOCAL-12345"


def test_status_path_goes_through_shipped() -> None:
    assert status_path(OrderStatus.SHIPPED, OrderStatus.ARRIVED) == [OrderStatus.ARRIVED]
    assert status_path(OrderStatus.ACCEPTED, OrderStatus.ARRIVED) == [
        OrderStatus.SHIPPED,
        OrderStatus.ARRIVED,
    ]
    assert status_path(OrderStatus.CANCELLED, OrderStatus.ARRIVED) is None


@pytest.mark.parametrize("current,target", list(itertools.product(S, S)))
def test_status_path_is_the_shortest_chain_of_legal_moves(current: S, target: S) -> None:
    """For every pair of statuses: a path exists exactly when ``target`` is reachable, each step
    is a legal move, and no shorter chain exists (breadth-first over TRANSITIONS by hand)."""
    hops: dict[S, int] = {}
    frontier = {current}
    n = 0
    while frontier:
        n += 1
        frontier = {nxt for s in frontier for nxt in TRANSITIONS[s] if nxt not in hops}
        frontier.discard(current)
        for s in frontier:
            hops[s] = n
    path = status_path(current, target)
    if target not in hops:
        assert path is None
        return
    assert path is not None and path[-1] == target and len(path) == hops[target]
    for before, after in zip([current, *path], path, strict=False):
        assert can_transition(before, after), (before, after)
