"""Benchmark: a room with 500 photos of 12 MP in the real window.

Makes 8 distinct 4000x3000 JPEGs in the page's canvas and writes 500 camera files from them
(each with a distinct trailing byte run, so every file is its own photo), imports them into one
room through the camera-folder command, then opens the room and scrolls its grid from top to
bottom one animation frame at a time. Prints the import time, how many thumbnails were already
made, the time to show the grid, the frame times while scrolling, how many images the grid kept
in the page, and the WebKit web process's resident memory at each point.

    UNITCYCLE_E2E_DIR=bench bash tests/desktop_e2e.sh
"""
import base64
import importlib.util
import os
import subprocess
import time

from driver import step

PHOTOS = int(os.environ.get("UNITCYCLE_BENCH_PHOTOS", "500"))

_spec = importlib.util.spec_from_file_location(
    "flow20", os.path.join(os.path.dirname(__file__), "..", "flows", "20_inspections.py"))
flow20 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(flow20)
invoke = flow20.invoke

CANVAS_12MP = """
  const [n, done] = arguments;
  const c = document.createElement('canvas'); c.width = 4000; c.height = 3000;
  const g = c.getContext('2d');
  const grad = g.createLinearGradient(0, 0, 4000, 3000);
  grad.addColorStop(0, `rgb(${30 * n}, 60, 90)`); grad.addColorStop(1, `rgb(230, ${200 - 20 * n}, 60)`);
  g.fillStyle = grad; g.fillRect(0, 0, 4000, 3000);
  g.strokeStyle = 'white'; g.lineWidth = 3;
  for (let k = 0; k < 4000; k += 50) { g.beginPath(); g.moveTo(k, 0); g.lineTo(4000 - k, 3000); g.stroke(); }
  c.toBlob(b => { const r = new FileReader(); r.onload = () => done(r.result.split(',')[1]); r.readAsDataURL(b); },
           'image/jpeg', 0.85);
"""

SCROLL = """
  const done = arguments[0]; const grid = document.querySelector('#room-photos');
  const times = []; let last = performance.now(); let y = 0;
  function tick(now) {
    times.push(now - last); last = now; y += 400; grid.scrollTop = y;
    if (y < grid.scrollHeight) { requestAnimationFrame(tick); return; }
    times.sort((a, b) => a - b);
    done({frames: times.length, p50: times[Math.floor(times.length / 2)],
          p95: times[Math.floor(times.length * 0.95)], max: times[times.length - 1],
          height: grid.scrollHeight, images_in_page: document.querySelectorAll('#room-photos img').length});
  }
  requestAnimationFrame(tick);
"""


def webkit_rss_mb():
    sizes = []
    pids = subprocess.run(["pgrep", "-f", "WebKitWebProcess"], capture_output=True, text=True).stdout.split()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                sizes += [int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS")]
        except OSError:
            pass
    return sizes


def camera_folder(d):
    folder = os.path.join(d.work, "DCIM", "100BENCH")
    os.makedirs(folder)
    bases = [base64.b64decode(d.script(CANVAS_12MP, n)) for n in range(8)]
    for i in range(PHOTOS):
        with open(os.path.join(folder, f"IMG_{i:04d}.JPG"), "wb") as f:
            f.write(bases[i % len(bases)] + i.to_bytes(8, "little") + b"\xff\xd9")
    mean = sum(len(b) for b in bases) / len(bases) / 1e6
    step(f"{PHOTOS} camera files of 4000x3000 written (mean {mean:.1f} MB)")
    return os.path.dirname(folder)


def run(d):
    if invoke(d, "app_info")["leases"] == 0:
        invoke(d, "create_demo")
    lease_number, _ = flow20.move_in_lease(d)
    lease = invoke(d, "inspectable_leases", {"search": lease_number})["leases"][0]
    detail = invoke(d, "start_inspection", {"leaseId": lease["lease_id"], "inspectorName": "Grid Bench"})
    inspection, room = detail["inspection"]["id"], detail["rooms"][0]["room"]["id"]
    files = invoke(d, "scan_camera_folder", {"folder": camera_folder(d)})["files"]

    started = time.time()
    for i in range(0, len(files), 25):
        invoke(d, "import_camera_files", {"roomId": room, "files": files[i:i + 25]})
    step(f"imported {len(files)} photos in {time.time() - started:.1f} s; WebKit RSS MB {webkit_rss_mb()}")
    time.sleep(5)
    thumbs = os.path.join(d.work, "thumbs")
    step(f"thumbnails made 5 s after the import: {len(os.listdir(thumbs)) if os.path.isdir(thumbs) else 0}")

    d.eval("location.hash = '#/inspections/' + arguments[0]; return true;", inspection)
    started = time.time()
    d.find("#room-photos .photo-cell img")
    loaded = d.eval("const i = [...document.querySelectorAll('#room-photos img')];"
                    "return i.filter(x => x.complete && x.naturalWidth > 0).length + '/' + i.length;")
    step(f"grid shown in {time.time() - started:.2f} s, images loaded {loaded}; WebKit RSS MB {webkit_rss_mb()}")
    step(f"scrolled the whole grid: {d.script(SCROLL)}; WebKit RSS MB {webkit_rss_mb()}")
    time.sleep(20)
    d.eval("document.querySelector('#room-photos').scrollTop = 0; return true;")
    time.sleep(3)
    step(f"20 s later, back at the top: WebKit RSS MB {webkit_rss_mb()}")
