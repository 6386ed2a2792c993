"""`make dist`: the wheel and an offline bundle for the clerk's own PC.

dist/
  xxgk-<version>-py3-none-any.whl
  wheelhouse/win_amd64/       every runtime dependency as a wheel for Windows x64, CPython 3.11
  wheelhouse/linux_x86_64/    the same for Linux x86_64 (manylinux)
  安装说明.txt                 how to install and start it with no network (Chinese, then English)

The dependencies are the wheel's own (pyproject.toml) at the versions of requirements.lock
(`pip download --only-binary=:all: --platform … --python-version 3.11 -c requirements.lock`);
the test tools are not included.  A dependency published only as source is built into a wheel here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
PLATFORMS = {
    "win_amd64": ["win_amd64"],
    "linux_x86_64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64", "linux_x86_64"],
}
PY = "3.11"

GUIDE = """xxgk 政府信息公开年报审阅台 — 离线安装说明
=============================================

本文件夹可以拷贝到没有互联网的电脑（内网）上安装，全程不需要联网。

一、Windows（64 位）
1. 先安装 Python 3.11（64 位）。内网电脑请向信息中心索取 python-3.11.x-amd64.exe 安装包，
   安装时勾选“Add python.exe to PATH”。
2. 把整个文件夹（含 wheelhouse）拷贝到电脑上，例如 D:\\xxgk。
3. 打开“命令提示符”（cmd），依次输入：
       cd /d D:\\xxgk
       py -3.11 -m venv 审阅台
       审阅台\\Scripts\\pip install --no-index --find-links wheelhouse\\win_amd64 {wheel}
4. 启动审阅台（数据库文件不存在时自动创建）：
       审阅台\\Scripts\\xxgk serve --db D:\\xxgk\\年报.duckdb
   然后用浏览器打开 http://127.0.0.1:8000/ ，在“上传”页拖入年报或整批 zip 压缩包即可。
   关闭命令窗口或按 Ctrl+C 即停止。审阅台运行时，同一数据库上的其他 xxgk 命令会提示“数据库正由审阅台使用”。
5. 局域网内其他同事也要访问时：xxgk serve --db 年报.duckdb --host 0.0.0.0 --port 8000，
   同事在浏览器打开 http://本机IP:8000/ （需要防火墙放行该端口）。

二、Linux（x86_64）
       python3.11 -m venv 审阅台
       审阅台/bin/pip install --no-index --find-links wheelhouse/linux_x86_64 {wheel}
       审阅台/bin/xxgk serve --db 年报.duckdb

说明：扫描件识别（OCR）的模型随安装包附带；旧版 .doc 文件需要本机装有 LibreOffice。

---------------------------------------------------------------------------
xxgk review desk — offline install

Copy this folder to a machine with no network.
Windows x64: install Python 3.11 (64-bit), then in cmd:
    py -3.11 -m venv desk
    desk\\Scripts\\pip install --no-index --find-links wheelhouse\\win_amd64 {wheel}
    desk\\Scripts\\xxgk serve --db reports.duckdb        (then open http://127.0.0.1:8000/)
Linux x86_64:
    python3.11 -m venv desk
    desk/bin/pip install --no-index --find-links wheelhouse/linux_x86_64 {wheel}
    desk/bin/xxgk serve --db reports.duckdb
"""


def run(cmd: list[str]) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


# pip evaluates environment markers for the machine it runs on, not for --platform: the
# dependencies a package needs only on Windows (click → colorama …) are found here from the wheels' metadata.
TARGET_ENV = {
    "win_amd64": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"},
    "linux_x86_64": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64"},
}


def missing_for(dest: Path, env: dict) -> list[str]:
    """Requirements of the wheels in ``dest`` that hold on the target platform but have no wheel there."""
    import zipfile

    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    target = {**default_environment(), **env, "python_version": PY, "python_full_version": PY + ".0", "implementation_name": "cpython"}
    have = {canonicalize_name(w.name.split("-")[0]) for w in dest.glob("*.whl")}
    need = set()
    for w in dest.glob("*.whl"):
        with zipfile.ZipFile(w) as z:
            meta = next((n for n in z.namelist() if n.endswith(".dist-info/METADATA")), None)
            if meta is None:
                continue
            for line in z.read(meta).decode("utf-8", "replace").splitlines():
                if not line.startswith("Requires-Dist:"):
                    continue
                req = Requirement(line.split(":", 1)[1].strip())
                if req.marker is not None and not req.marker.evaluate({**target, "extra": ""}):
                    continue
                if canonicalize_name(req.name) not in have:
                    need.add(req.name)
    return sorted(need)


def lock_pin(name: str) -> str:
    """``name==version`` from requirements.lock (its platform markers ignored: pip would judge them for this machine)."""
    from packaging.utils import canonicalize_name

    for line in (ROOT / "requirements.lock").read_text().splitlines():
        spec = line.split(";", 1)[0].strip()
        if "==" in spec and canonicalize_name(spec.split("==")[0]) == canonicalize_name(name):
            return spec
    print(f"warning: {name} is not pinned in requirements.lock")
    return name


def size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def main() -> int:
    pip = [sys.executable, "-m", "pip"]
    shutil.rmtree(DIST, ignore_errors=True)
    DIST.mkdir()
    run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(DIST), str(ROOT)])
    wheel = next(DIST.glob("xxgk-*.whl"))
    for name, tags in PLATFORMS.items():
        dest = DIST / "wheelhouse" / name
        dest.mkdir(parents=True)
        t0 = time.time()
        plat = [x for t in tags for x in ("--platform", t)]
        cmd = [*pip, "download", "--only-binary=:all:", *plat, "--python-version", PY, "--implementation", "cp", "--abi", "cp311", "--abi", "abi3", "--abi", "none",
               "-c", str(ROOT / "requirements.lock"), "-d", str(dest), str(wheel)]
        try:
            run(cmd)
        except subprocess.CalledProcessError:
            # a dependency with no wheel: build the pure-Python ones here, then try again
            for req in ("cpca",):
                pin = next((l.strip() for l in (ROOT / "requirements.lock").read_text().splitlines() if l.lower().startswith(req + "==")), req)
                run([*pip, "wheel", "--no-deps", "-w", str(dest), pin])
            run(cmd[:-1] + ["--find-links", str(dest), str(wheel)])
        for _ in range(5):  # the platform's own dependencies, and theirs
            extra = missing_for(dest, TARGET_ENV[name])
            if not extra:
                break
            pins = [lock_pin(x) for x in extra]
            print(f"{name}: needed there too: {', '.join(pins)}")
            run(cmd[:-1] + ["--find-links", str(dest), *pins])
        shutil.copy(wheel, dest / wheel.name)
        print(f"{name}: {len(list(dest.glob('*.whl')))} wheels, {size(dest) / 2**20:.0f} MiB in {time.time() - t0:.0f} s")
    (DIST / "安装说明.txt").write_text(GUIDE.format(wheel="xxgk"), encoding="utf-8-sig")
    print(f"dist/: {size(DIST) / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
