"""Send requests at the same moment, as a race does: each in its own thread, released together."""
import threading
from collections.abc import Callable


def all_at_once(send: Callable[[int], object], count: int) -> dict[int, object]:
    """`send(number)` for 0..count-1, started together; each answer, or the error it raised."""
    start = threading.Barrier(count)
    answers: dict[int, object] = {}

    def one(number: int) -> None:
        start.wait()
        try:
            answers[number] = send(number)
        except Exception as error:  # noqa: BLE001  (an error is an answer the caller's assertion shows)
            answers[number] = error

    threads = [threading.Thread(target=one, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers
