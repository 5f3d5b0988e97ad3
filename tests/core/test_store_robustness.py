"""Bad stores give a clear message and lose nothing; a killed writer loses
at most the edit in flight."""
from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from labeltool.core import (
    Box, ProjectStore, StoreCorruptError, StoreError, StoreLockedError, StoreNewerSchemaError, StoreReadOnlyError,
)
from labeltool.core.schema import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[2]


def _store_file(folder: Path) -> Path:
    return folder / ".labeltool" / "project.sqlite"


def test_store_from_a_newer_labeltool_is_refused_untouched(image_folder: Path):
    ProjectStore.open(image_folder).close()
    conn = sqlite3.connect(_store_file(image_folder))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    conn.close()
    before = _store_file(image_folder).read_bytes()
    with pytest.raises(StoreNewerSchemaError, match="newer labeltool.*update labeltool"):
        ProjectStore.open(image_folder)
    with pytest.raises(StoreNewerSchemaError):
        ProjectStore.open(image_folder, readonly=True)
    assert _store_file(image_folder).read_bytes() == before


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed_header"])
def test_corrupt_store_is_reported_and_never_overwritten(image_folder: Path, damage: str):
    with ProjectStore.open(image_folder) as store:
        store.add_shape(store.images()[0].id, Box(label="a", x1=0, y1=0, x2=5, y2=5))
    path = _store_file(image_folder)
    for side in path.parent.glob("project.sqlite-*"):
        side.unlink()
    data = path.read_bytes()
    if damage == "garbage":
        data = b"this is not a database, it is a shopping list\n" * 100
    elif damage == "truncated":
        data = data[: len(data) // 3]
    else:
        data = b"\0" * 100 + data[100:]
    path.write_bytes(data)
    with pytest.raises(StoreCorruptError, match="damaged or not a labeltool store.*left as it is"):
        ProjectStore.open(image_folder)
    assert path.read_bytes() == data


def test_store_missing_its_tables_is_reported(image_folder: Path):
    path = _store_file(image_folder)
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE something_else(x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreCorruptError):
        ProjectStore.open(image_folder)


def _as_unprivileged(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run python ``code`` as an ordinary user: root ignores file permissions,
    so a read-only folder can only be tested without root's privileges."""
    cmd = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("needs setpriv to drop root privileges")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = dict(os.environ, PYTHONPATH=str(REPO), HOME=str(cwd))
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=60)


@pytest.fixture
def public_tmp() -> Path:
    """A temp folder an unprivileged user can reach (pytest's tmp_path is 0700)."""
    d = Path(tempfile.mkdtemp(prefix="labeltool-ro-", dir="/tmp"))
    d.chmod(0o755)
    yield d
    for p in d.rglob("*"):
        with_mode = 0o755 if p.is_dir() else 0o644
        p.chmod(with_mode)
    shutil.rmtree(d)


PROBE = textwrap.dedent("""
    import sys
    from labeltool.core import ProjectStore, StoreError
    try:
        s = ProjectStore.open(sys.argv[1] if len(sys.argv) > 1 else "project", readonly={readonly})
        print("OPEN", s.image_count())
        s.close()
    except StoreError as e:
        print(type(e).__name__, e)
""")


def _make_readonly_project(public_tmp: Path, with_store: bool) -> Path:
    from tests.conftest import write_image

    project = public_tmp / "project"
    write_image(project / "a.jpg")
    if with_store:
        ProjectStore.open(project).close()
        for side in _store_file(project).parent.glob("project.sqlite-*"):
            side.unlink()
    for p in [project, *project.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    return project


def test_read_only_folder_without_store_says_so(public_tmp: Path):
    _make_readonly_project(public_tmp, with_store=False)
    out = _as_unprivileged(PROBE.format(readonly=False), public_tmp)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("StoreReadOnlyError"), out.stdout
    assert "read-only" in out.stdout and "Traceback" not in out.stdout + out.stderr


def test_read_only_folder_with_store_says_so_and_still_opens_read_only(public_tmp: Path):
    project = _make_readonly_project(public_tmp, with_store=True)
    before = _store_file(project).read_bytes()
    out = _as_unprivileged(PROBE.format(readonly=False), public_tmp)
    assert out.stdout.startswith("StoreReadOnlyError"), out.stdout + out.stderr
    out = _as_unprivileged(PROBE.format(readonly=True), public_tmp)
    assert out.stdout.strip() == "OPEN 1", out.stdout + out.stderr
    assert _store_file(project).read_bytes() == before


HOLDER = textwrap.dedent("""
    import sys, time
    from labeltool.core import ProjectStore
    s = ProjectStore.open(sys.argv[1])
    print("ready", flush=True)
    time.sleep(60)
""")


def test_second_process_on_the_same_project_gets_a_clear_message(image_folder: Path):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(image_folder)], stdout=subprocess.PIPE,
                              text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match=rf"process {holder.pid}\)"):
            ProjectStore.open(image_folder)
        # The CLI says it in one line and exits non-zero.
        cli = subprocess.run([sys.executable, "-m", "labeltool", "init", str(image_folder)], capture_output=True,
                             text=True, env=env)
        assert cli.returncode == 1 and "already open" in cli.stderr and "Traceback" not in cli.stderr
    finally:
        holder.kill()
        holder.wait()
    # Killing the holder frees the project: the OS drops its lock.
    ProjectStore.open(image_folder).close()


WRITER = textwrap.dedent("""
    import sys
    from labeltool.core import Box, ProjectStore
    store = ProjectStore.open(sys.argv[1], scan=False)
    image = store.images()[0].id
    i = int(sys.argv[2])
    while True:
        store.add_shape(image, Box(label=f"c{i % 5}", x1=i, y1=i, x2=i + 10, y2=i + 10, id=f"shape-{i:06d}"))
        print(i, flush=True)  # printed only after the commit returned
        if i % 7 == 0:
            store.rename_class(f"c{i % 5}", f"c{i % 5}")  # no-op rename: a read
        i += 1
""")


def test_sigkill_at_any_moment_loses_at_most_the_edit_in_flight(image_folder: Path):
    ProjectStore.open(image_folder).close()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    rng = random.Random(1234)
    acknowledged: set[str] = set()
    next_i = 0
    for _round in range(12):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(image_folder), str(next_i)],
                                stdout=subprocess.PIPE, text=True, env=env)
        first = proc.stdout.readline()  # wait until it is writing
        assert first.strip(), "writer did not start"
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        done = [int(x) for x in (first + rest).split()]
        acknowledged.update(f"shape-{i:06d}" for i in done)
        next_i = max(done) + 2  # i+1 may be half-committed: the edit in flight
        with ProjectStore.open(image_folder, scan=False) as store:
            assert store.integrity_check() == "ok"
            stored = {s.id for s in store.shapes(store.images()[0].id)}
        missing = acknowledged - stored
        assert not missing, f"lost acknowledged edits: {sorted(missing)[:5]}"
    assert len(acknowledged) > 12


def test_every_store_error_is_a_store_error():
    for cls in (StoreCorruptError, StoreLockedError, StoreNewerSchemaError, StoreReadOnlyError):
        assert issubclass(cls, StoreError)
