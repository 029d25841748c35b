"""The per-partition plan of `replay --since`: never forward, never past the ends."""

from __future__ import annotations

from service.ops.replay_plan import first_at_or_after, plan_partition, plan_table


class TestPlanPartition:
    def test_moves_back_to_target(self) -> None:
        """A committed group goes back to the first offset at or after T."""
        plan = plan_partition(
            0, committed=10, beginning=0, end=10, first_offset=6, auto_offset_reset="earliest"
        )
        assert (plan.moves, plan.target, plan.recode) == (True, 6, 4)

    def test_never_moves_forward(self) -> None:
        """A target past the committed offset would skip unread messages: the group stays."""
        plan = plan_partition(
            0, committed=4, beginning=0, end=10, first_offset=7, auto_offset_reset="earliest"
        )
        assert (plan.moves, plan.target, plan.recode) == (False, 4, 0)

    def test_no_record_after_time_stays(self) -> None:
        """When no record is at or after T, nothing is re-coded."""
        plan = plan_partition(
            1, committed=10, beginning=0, end=10, first_offset=None, auto_offset_reset="earliest"
        )
        assert not plan.moves and plan.recode == 0

    def test_uncommitted_group_stands_where_reset_puts_it(self) -> None:
        """Without a commit: at the beginning under earliest (no move), at the end under latest."""
        earliest = plan_partition(
            0, committed=None, beginning=2, end=10, first_offset=5, auto_offset_reset="earliest"
        )
        latest = plan_partition(
            0, committed=None, beginning=2, end=10, first_offset=5, auto_offset_reset="latest"
        )
        assert (earliest.moves, latest.moves, latest.recode) == (False, True, 5)

    def test_target_clamped_to_beginning(self) -> None:
        """A broker answer before the log start (deleted segments) is clamped to the start."""
        plan = plan_partition(
            0, committed=10, beginning=3, end=10, first_offset=0, auto_offset_reset="earliest"
        )
        assert plan.target == 3 and plan.recode == 7

    def test_table_lists_partitions_and_total(self) -> None:
        """The plan prints one line per partition and the total to re-code."""
        plans = [
            plan_partition(
                p, committed=10, beginning=0, end=10, first_offset=8, auto_offset_reset="earliest"
            )
            for p in range(2)
        ]
        table = plan_table(plans)
        assert table.splitlines()[-1].split() == ["total", "4"]
        assert len(table.splitlines()) == 4


class TestFirstAtOrAfter:
    def test_first_offset_at_or_after(self) -> None:
        """The earliest offset whose timestamp is at or after T, as Kafka defines it."""
        stamps = [(0, 100), (1, 200), (2, 150), (3, 300)]
        assert first_at_or_after(stamps, 150) == 1
        assert first_at_or_after(stamps, 300) == 3
        assert first_at_or_after(stamps, 301) is None
