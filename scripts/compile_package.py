"""Add compiled bytecode to a Lambda zip built by `zappa package`, so a cold start does not compile every module.

    .venv-package/bin/python scripts/compile_package.py build/mealtracker-dev.zip

Lambda's /var/task is read-only: a module without a valid .pyc in the package is compiled again on every cold
start (about a third of the import time of this app, bench/results/package-cold-start.json). The .pyc files are
written with unchecked-hash invalidation (PEP 552): zip archives keep file times to two seconds only, so pyc files
checked against the source's modification time would be thrown away after unzipping. Unchecked pycs are used
as they are; the package is rebuilt for every release, so they never outlive their source.

Run it with the Python of the Lambda runtime (bytecode is version-specific): it refuses any other version.
Zappa's own `exclude` keeps the build machine's __pycache__ out of the zip, so every .pyc inside comes from here.
"""

import importlib.util
import py_compile
import re
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lambda_runtime() -> tuple[int, int]:
    """The Python version of the stage's runtime in zappa_settings.json (e.g. python3.12 -> (3, 12))."""
    settings = (ROOT / "zappa_settings.json").read_text()
    major, minor = re.search(r'"runtime":\s*"python(\d+)\.(\d+)"', settings).groups()
    return int(major), int(minor)


def compile_zip(path: Path) -> tuple[int, int]:
    """Rewrite the zip at `path` with a .pyc next to every .py; (compiled, failed) counts."""
    with tempfile.TemporaryDirectory(prefix="compile-package-") as workdir:
        tree = Path(workdir)
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            archive.extractall(tree)
        sources = [info.filename for info in infos if info.filename.endswith(".py")]
        failed = 0
        for name in sources:
            try:
                py_compile.compile(
                    str(tree / name),
                    cfile=importlib.util.cache_from_source(str(tree / name)),
                    dfile=name,  # tracebacks name the path inside the package, not this temporary folder
                    doraise=True,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
            except py_compile.PyCompileError:
                failed += 1  # e.g. a Python 2 file shipped as data by a dependency: imported never, compiled never
        rebuilt = path.with_suffix(".compiling.zip")
        with zipfile.ZipFile(rebuilt, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as out:
            for info in infos:
                out.writestr(info, (tree / info.filename).read_bytes() if not info.is_dir() else b"")
            compiled = 0
            for pyc in sorted(tree.rglob("__pycache__/*.pyc")):
                name = pyc.relative_to(tree).as_posix()
                entry = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                entry.external_attr = 0o644 << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(entry, pyc.read_bytes())
                compiled += 1
        rebuilt.replace(path)
    return compiled, failed


def main() -> None:
    path = Path(sys.argv[1])
    wanted = lambda_runtime()
    if sys.version_info[:2] != wanted:
        raise SystemExit(
            f"Bytecode is version-specific: run this with Python {wanted[0]}.{wanted[1]} (the Lambda runtime), "
            f"not {sys.version.split()[0]}."
        )
    compiled, failed = compile_zip(path)
    print(f"{path}: {compiled} modules compiled for Python {wanted[0]}.{wanted[1]}"
          + (f", {failed} files that are not Python 3 left as source" if failed else ""))  # fmt: skip


if __name__ == "__main__":
    main()
