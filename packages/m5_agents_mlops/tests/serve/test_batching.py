"""The micro-batcher: concurrent requests share model calls, each gets its own rows back."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from m5_agents_mlops.serve.batching import BatcherClosed, MicroBatcher


class CountingModel:
    """Doubles its input and records the size of every call."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.calls: list[int] = []
        self.fail_on = fail_on

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        self.calls.append(len(batch))
        if self.fail_on is not None and self.fail_on in batch:
            raise ValueError("the model failed")
        return batch * 2


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine)


def test_concurrent_requests_are_grouped_and_answered_in_order() -> None:
    model, batches = CountingModel(), []

    async def main() -> list[np.ndarray]:
        batcher = MicroBatcher(model, max_batch=64, max_wait_s=0.05,
                               on_batch=lambda rows, s: batches.append(rows))  # fmt: skip
        batcher.start()
        inputs = [np.full((1 + i % 3, 2), i) for i in range(20)]  # 1–3 rows each, 39 rows
        outputs = await asyncio.gather(*(batcher.submit(x) for x in inputs))
        await batcher.close()
        return [out - 2 * x for out, x in zip(outputs, inputs, strict=True)]

    for difference in run(main()):
        assert not difference.any()  # every caller got exactly its own rows, doubled
    assert sum(model.calls) == 39 and len(model.calls) <= 2  # far fewer calls than requests
    assert batches == model.calls


def test_batches_never_exceed_max_batch() -> None:
    model = CountingModel()

    async def main() -> None:
        batcher = MicroBatcher(model, max_batch=8, max_wait_s=0.05)
        batcher.start()
        await asyncio.gather(*(batcher.submit(np.ones((3, 1))) for _ in range(10)))
        await batcher.close()

    run(main())
    assert sum(model.calls) == 30 and max(model.calls) <= 8


def test_a_lone_request_waits_at_most_max_wait() -> None:
    async def main() -> float:
        batcher = MicroBatcher(CountingModel(), max_batch=64, max_wait_s=0.01)
        batcher.start()
        loop = asyncio.get_running_loop()
        start = loop.time()
        await batcher.submit(np.ones((1, 1)))
        elapsed = loop.time() - start
        await batcher.close()
        return elapsed

    assert run(main()) < 0.5  # the wait is 10 ms; generous for a loaded CI machine


def test_a_failing_batch_fails_its_callers_and_the_batcher_goes_on() -> None:
    async def main() -> None:
        batcher = MicroBatcher(CountingModel(fail_on=-1), max_batch=64, max_wait_s=0.02)
        batcher.start()
        bad, good = await asyncio.gather(
            batcher.submit(np.full((1, 1), -1)), batcher.submit(np.ones((1, 1))),
            return_exceptions=True,
        )  # fmt: skip
        assert isinstance(bad, ValueError) and isinstance(good, ValueError)  # same batch
        assert (await batcher.submit(np.ones((1, 1)))).tolist() == [[2.0]]  # still serving
        await batcher.close()
        with pytest.raises(BatcherClosed):
            await batcher.submit(np.ones((1, 1)))

    run(main())


def test_a_request_that_does_not_fit_opens_the_next_batch() -> None:
    """A 6-row request behind a 3-row one (max 8) is carried, not sent to the back of the queue,
    so a stream of small requests cannot starve it."""
    model = CountingModel()

    async def main() -> None:
        batcher = MicroBatcher(model, max_batch=8, max_wait_s=0.05)
        batcher.start()
        small = [batcher.submit(np.ones((3, 1))), batcher.submit(np.full((6, 1), 7.0))]
        small += [batcher.submit(np.ones((1, 1))) for _ in range(12)]
        outputs = await asyncio.gather(*small)
        assert outputs[1].tolist() == [[14.0]] * 6
        await batcher.close()

    run(main())
    assert model.calls[:2] == [3, 8]  # the big one leads the second batch, 2 small ones fill it


def test_close_during_a_batch_fails_its_callers_instead_of_leaving_them_waiting() -> None:
    import threading

    release = threading.Event()

    def slow(batch: np.ndarray) -> np.ndarray:
        release.wait(5)
        return batch

    async def main() -> None:
        batcher = MicroBatcher(slow, max_batch=8)
        batcher.start()
        waiting = asyncio.ensure_future(batcher.submit(np.ones((1, 1))))
        await asyncio.sleep(0.05)  # the batch is inside the model now
        await batcher.close()
        release.set()
        with pytest.raises(BatcherClosed):
            await asyncio.wait_for(waiting, 5)

    run(main())
