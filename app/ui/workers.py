"""Run long work off the GUI thread, with progress and cancel, and hand the outcome back as signals.

The work is a plain callable ``work(progress, cancel)`` that speaks the core's protocol
(``app.core.progress``): it reports ``ProgressUpdate``s through ``progress`` and checks ``cancel`` between
units. It runs on its own ``QThread``; every signal of ``Task`` is emitted in the GUI thread.

Progress is not forwarded one signal per update: the worker only stores the latest update, and a GUI-side
timer publishes it at most ``PROGRESS_INTERVAL_MS`` apart. A fast import cannot flood the event loop, and
the last update before a slow file is never lost.

Outcomes follow the two kinds of error (``app.core.errors``): a ``ThreadlineError`` ends in ``failed`` with
its message for the user, ``Cancelled`` in ``cancelled``, anything else is a bug: logged with its
traceback and reported by ``crashed`` with a short apology that names the log file.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QProcess,
    QProcessEnvironment,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)

from app.core.errors import Cancelled, ThreadlineError
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_MS = 50  # at most 20 progress signals a second
#: How much a background task yields the CPU (Linux nice value of its thread, inherited by any process it
#: starts). Measured with bench/bench_ui_import.py: it keeps the GUI thread's gaps short on a busy machine.
BACKGROUND_NICE = 10

Work = Callable[[ProgressSink, CancelToken], Any]


def log_file_path() -> Path:
    """Where ``run_gui`` sends the log (see ``app.ui.application``)."""
    from app.ui.application import LOG_FILE_NAME, log_dir

    return log_dir() / LOG_FILE_NAME


def apology(what: str = "") -> str:
    """The short message shown for a bug; the traceback is in the log, never on screen."""
    tr = QCoreApplication.translate
    lead = tr("Task", "Sorry, Threadline ran into a problem it did not expect")
    lead += f" ({what})." if what else "."
    return (
        lead
        + " "
        + tr("Task", "The details were written to the log file:\n{path}").format(path=log_file_path())
    )


class _Thread(QThread):
    """Runs the work and keeps its outcome; ``Task`` reads it once the thread has finished."""

    def __init__(self, work: Work, token: CancelToken, name: str, background: bool, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.background = background
        self._work = work
        self.token = token
        self.result: Any = None
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._latest: ProgressUpdate | None = None

    def run(self) -> None:
        if self.background:
            self._lower_priority()
        try:
            self.result = self._work(self._report, self.token)
        except BaseException as error:  # handed to the GUI thread, which decides what it is
            self.error = error
            if not isinstance(error, ThreadlineError):
                log.error("Unexpected error in %s", self.objectName(), exc_info=error)

    def _lower_priority(self) -> None:
        """Let the GUI thread (and the rest of the desktop) go first when the CPUs are busy."""
        if sys.platform.startswith("linux"):  # a thread id names one thread here; elsewhere, the process
            thread = threading.get_native_id()
            with suppress(OSError):
                os.setpriority(
                    os.PRIO_PROCESS, thread, max(os.getpriority(os.PRIO_PROCESS, thread), BACKGROUND_NICE)
                )
        else:
            self.setPriority(QThread.Priority.LowPriority)

    def _report(self, update: ProgressUpdate) -> None:
        with self._lock:
            self._latest = update

    def take_progress(self) -> ProgressUpdate | None:
        with self._lock:
            update, self._latest = self._latest, None
        return update


class Task(QObject):
    """One run of ``work`` on a worker thread; create, connect, ``start()``."""

    progressed = Signal(object)  # ProgressUpdate
    succeeded = Signal(object)  # whatever the work returned
    failed = Signal(str)  # a ThreadlineError's message, to show as it is
    cancelled = Signal()
    crashed = Signal(str)  # a bug: short apology naming the log file (the traceback is logged)
    finished = Signal()  # after any one of the four above

    def __init__(
        self, work: Work, parent: QObject | None = None, *, name: str = "task", background: bool = False
    ) -> None:
        """``background``: long work the user is not waiting on second by second (an import) runs at a
        lower CPU priority, so the GUI stays smooth while it goes on."""
        super().__init__(parent)
        self.name = name
        self.token = CancelToken()
        self._thread = _Thread(work, self.token, name, background, self)
        self._thread.finished.connect(self._on_thread_finished, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setInterval(PROGRESS_INTERVAL_MS)
        self._timer.timeout.connect(self._publish_progress)
        self._started = False
        self._done = False
        application = QCoreApplication.instance()
        if application is not None:
            application.aboutToQuit.connect(self.cancel_and_wait)

    # --- control -------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._started:
            raise RuntimeError("a Task runs once")
        self._started = True
        self._timer.start()
        self._thread.start()

    def cancel(self) -> None:
        """Ask the work to stop at its next check; ``cancelled`` follows once it has."""
        self.token.cancel()

    def cancel_and_wait(self, msecs: int = -1) -> bool:
        """Cancel and block until the thread ends (closing a case, quitting); True if it ended."""
        self.cancel()
        return self.wait(msecs)

    def wait(self, msecs: int = -1) -> bool:
        if not self._started:
            return True
        return self._thread.wait() if msecs < 0 else self._thread.wait(msecs)

    def is_running(self) -> bool:
        return self._started and not self._done

    # --- delivery in the GUI thread --------------------------------------------------------------------

    @Slot()
    def _publish_progress(self) -> None:
        update = self._thread.take_progress()
        if update is not None:
            self.progressed.emit(update)

    @Slot()
    def _on_thread_finished(self) -> None:
        self._thread.wait()
        self._timer.stop()
        self._publish_progress()
        self._done = True
        application = QCoreApplication.instance()
        if application is not None:
            application.aboutToQuit.disconnect(self.cancel_and_wait)
        error = self._thread.error
        if error is None:
            self.succeeded.emit(self._thread.result)
        elif isinstance(error, Cancelled):
            self.cancelled.emit()
        elif isinstance(error, ThreadlineError):
            self.failed.emit(error.message)
        else:
            self.crashed.emit(apology(self.name))
        self.finished.emit()


def run_task(
    work: Work,
    parent: QObject,
    *,
    name: str,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    on_progress: Callable[[ProgressUpdate], None] | None = None,
) -> Task:
    """Start ``work`` on a worker thread with the usual wiring; errors and crashes go to ``on_error``.

    The task deletes itself once finished; keep the returned object only to cancel it or wait for it.
    """
    task = Task(work, parent, name=name)
    if on_result is not None:
        task.succeeded.connect(on_result)
    if on_error is not None:
        task.failed.connect(on_error)
        task.crashed.connect(on_error)
    if on_progress is not None:
        task.progressed.connect(on_progress)
    task.finished.connect(task.deleteLater)
    task.start()
    return task


class ProcessTask(QObject):
    """``Task``'s interface for work run in a child Python process (``python -m MODULE``).

    Work that builds Qt objects for seconds (laying out and painting a report) cannot run on a worker
    thread — a worker holding the GIL while Qt connects signals inside a new object can deadlock against
    the GUI thread, which may hold Qt's connection lock while it asks for the GIL (PySide looks up Python
    overrides during ``disconnect``) — and should not run in the GUI thread: here it runs in a process of its
    own, which the event loop only listens to (``QProcess``), so the window never waits. The child reads
    ``request`` on standard input and answers with one JSON object per line on standard output:
    ``{"progress": [done, total, what]}``, ``{"result": …}``, ``{"error": message}`` (a ``ThreadlineError``),
    ``{"crash": …}`` (a bug, traceback on standard error); any other object is handed on by ``received``.
    Cancelling kills the child at once and removes ``cleanup`` (its partial files); a child that dies
    without a result is a crash, and its standard error goes to the log.
    """

    progressed = Signal(object)  # ProgressUpdate
    received = Signal(object)  # any other message of the child (a dict)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    crashed = Signal(str)
    finished = Signal()

    STDERR_KEPT = 20_000  # characters of the child's standard error kept for the log

    def __init__(
        self,
        module: str,
        request: str,
        parent: QObject | None = None,
        *,
        name: str = "task",
        cleanup: Sequence[Path] = (),
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.token = CancelToken()
        self.cleanup = list(cleanup)
        self._request = request.encode("utf-8")
        self._outcome: tuple[str, Any] | None = None
        self._stderr = ""
        self._started = False
        self._done = False
        self.process = QProcess(self)
        self.process.setProgram(sys.executable)
        self.process.setArguments(["-m", module])
        self.process.setProcessEnvironment(_child_environment())
        self.process.readyReadStandardOutput.connect(self._read_output)
        self.process.readyReadStandardError.connect(self._read_errors)
        self.process.finished.connect(self._on_finished)
        self.process.errorOccurred.connect(self._on_error)
        application = QCoreApplication.instance()
        if application is not None:
            application.aboutToQuit.connect(self.cancel_and_wait)

    # --- control -------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._started:
            raise RuntimeError("a task runs once")
        self._started = True
        self.process.start()
        self.process.write(self._request)
        self.process.closeWriteChannel()

    def cancel(self) -> None:
        """Stop the child now; ``cancelled`` follows once it has gone."""
        if self.token.cancelled or self._done:
            return
        self.token.cancel()
        if self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.kill()

    def cancel_and_wait(self, msecs: int = -1) -> bool:
        self.cancel()
        return self.wait(msecs)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the child has ended (closing, quitting). The outcome is delivered from here, not
        from inside ``QProcess.waitForFinished`` (a receiver deleting the task there crashes Qt)."""
        if not self._started or self._done:
            return True
        blocked = self.process.blockSignals(True)
        try:
            self.process.waitForFinished(msecs)
        finally:
            self.process.blockSignals(blocked)
        if not self._done and self.process.state() == QProcess.ProcessState.NotRunning:
            self._on_finished(self.process.exitCode(), self.process.exitStatus())
        return self._done

    def is_running(self) -> bool:
        return self._started and not self._done

    def pid(self) -> int:
        return int(self.process.processId())

    # --- listening -----------------------------------------------------------------------------------------

    @Slot()
    def _read_output(self) -> None:
        while self.process.canReadLine():
            line = bytes(self.process.readLine().data()).strip()
            if line:
                self._message(line)

    def _message(self, line: bytes) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            self._stderr = (self._stderr + line.decode("utf-8", "replace") + "\n")[-self.STDERR_KEPT :]
            return
        if not isinstance(message, dict):
            return
        if "progress" in message:
            done, total, current = message["progress"]
            self.progressed.emit(ProgressUpdate(int(done), int(total), str(current)))
        elif "result" in message:
            self._outcome = ("result", message["result"])
        elif "error" in message:
            self._outcome = ("error", str(message["error"]))
        elif "crash" in message:
            self._outcome = ("crash", str(message["crash"]))
        else:
            self.received.emit(message)

    @Slot()
    def _read_errors(self) -> None:
        text = bytes(self.process.readAllStandardError().data()).decode("utf-8", "replace")
        self._stderr = (self._stderr + text)[-self.STDERR_KEPT :]

    @Slot(QProcess.ProcessError)
    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._stderr += f"\n{self.process.errorString()}"
            self._on_finished(-1, QProcess.ExitStatus.CrashExit)

    @Slot(int, QProcess.ExitStatus)
    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._done:
            return
        self._read_output()
        self._read_errors()
        self._done = True
        application = QCoreApplication.instance()
        if application is not None:
            application.aboutToQuit.disconnect(self.cancel_and_wait)
        kind, value = self._outcome or ("", None)
        if kind != "result" or self.token.cancelled:  # a cancel is honoured even if the child just finished
            for path in self.cleanup:
                with suppress(OSError):
                    path.unlink(missing_ok=True)
        if self.token.cancelled:
            self.cancelled.emit()
        elif kind == "result":
            self.succeeded.emit(value)
        elif kind == "error":
            self.failed.emit(value)
        else:
            how = "crashed" if status == QProcess.ExitStatus.CrashExit else f"ended with status {code}"
            log.error(
                "The %s process %s (%s). Its standard error:\n%s", self.name, how, value or "", self._stderr
            )
            self.crashed.emit(apology(self.name))
        self.finished.emit()


def _child_environment() -> QProcessEnvironment:
    """This environment, with the package importable and Qt drawing offscreen (no window, no display)."""
    environment = QProcessEnvironment.systemEnvironment()
    root = str(Path(__file__).resolve().parents[2])
    path = environment.value("PYTHONPATH", "")
    environment.insert("PYTHONPATH", root + (os.pathsep + path if path else ""))
    environment.insert("QT_QPA_PLATFORM", "offscreen")
    environment.insert("PYTHONIOENCODING", "utf-8")
    return environment
