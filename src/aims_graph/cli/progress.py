"""A progress bar on stderr for CLI jobs, shown only once a job has run for over a second."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

T = TypeVar("T")

#: A job that has not finished after this many seconds gets a progress bar.
PROGRESS_AFTER_S = 1.0

#: What a job reports while it runs: (done, total or None when unknown, what it is doing).
Snapshot = tuple[int, int | None, str]


def run_with_progress(
    job: Callable[[], T],
    snapshot: Callable[[], Snapshot],
    console: Console,
    *,
    unit: str | None = None,
) -> T:
    """Run a job in a thread; after a second, draw its progress from `snapshot` until it ends.

    `unit` labels the count ("graph(s) loaded"); without it the count shows as done/total.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(job)
        try:
            return future.result(timeout=PROGRESS_AFTER_S)
        except TimeoutError:
            pass
        count: ProgressColumn = (
            TextColumn("{task.completed} " + unit) if unit else MofNCompleteColumn()
        )
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), count)
        with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task("", total=None)
            while True:
                try:
                    return future.result(timeout=0.1)
                except TimeoutError:
                    done, total, what = snapshot()
                    bar.update(task, completed=done, total=total, description=what)
