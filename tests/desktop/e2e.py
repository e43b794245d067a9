"""Desktop e2e runner: opens one WebDriver session on the app and runs every
tests/desktop/flows/NN_name.py in order (each defines `run(d)` taking a driver.Driver).

Flows share the session and the replica, so a later flow may build on an earlier one; the run
stops at the first failure (with a screenshot FAILED-<flow>.png when UNITCYCLE_E2E_SHOTS names
a folder). UNITCYCLE_E2E_FLOWS=05,12 runs only the flows with those numbers;
UNITCYCLE_E2E_DIR=bench runs the benchmarks of tests/desktop/bench instead.
Started by tests/desktop_e2e.sh, which provides APP, PORT and WORK.
"""
import importlib.util
import os
import re
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from driver import Driver  # noqa: E402


# UNITCYCLE_E2E_DIR=bench runs the benchmarks (tests/desktop/bench) instead of the flows.
FOLDER = os.environ.get("UNITCYCLE_E2E_DIR", "flows")


def flow_files():
    names = sorted(f for f in os.listdir(os.path.join(HERE, FOLDER)) if re.fullmatch(r"\d\d_\w+\.py", f))
    only = os.environ.get("UNITCYCLE_E2E_FLOWS")
    if only:
        wanted = {n.strip() for n in only.split(",")}
        names = [n for n in names if n[:2] in wanted]
    return names


def load(name):
    spec = importlib.util.spec_from_file_location(f"flows.{name[:-3]}", os.path.join(HERE, FOLDER, name))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    d = Driver.open(f"http://127.0.0.1:{os.environ['PORT']}", os.environ["APP"], os.environ["WORK"])
    passed, failed = [], None
    try:
        for name in flow_files():
            flow = name[:-3]
            print(f"==> {flow}", flush=True)
            started = time.time()
            try:
                load(name).run(d)
            except Exception:
                failed = flow
                traceback.print_exc()
                try:
                    d.shot(f"FAILED-{flow}")
                except Exception as e:  # the session may be what broke
                    print(f"   (no screenshot: {e})")
                break
            passed.append(flow)
            print(f"   ok ({time.time() - started:.1f}s)", flush=True)
    finally:
        d.close()
    print(f"desktop e2e: {len(passed)} passed, {1 if failed else 0} failed" + (f" ({failed})" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
