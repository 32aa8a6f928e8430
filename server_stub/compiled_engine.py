"""The engine compiled with mypyc, and the check that it matches the sources before it runs.

The engine is plain typed Python (`server_stub/engine/`). `make test` and `make bench` also
compile it with mypyc (a C compiler and Python's headers are needed) into `build/mypyc/`,
outside the source tree: a day simulates about three times faster and logs exactly the same
events.

`server_stub.engine` calls `activate` as it is imported: when `build/mypyc/manifest.json`
names the digest of today's sources (and this interpreter), the compiled modules are put in
front of the sources; otherwise, or with `AGENT_TUI_ENGINE=interpreted`, the sources run.
An edited source therefore never runs as its stale compiled self.

    python -m server_stub.compiled_engine build    # compile; says why in one line if it cannot
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parent / "engine"
BUILD_DIR = ENGINE_DIR.parents[1] / "build" / "mypyc"
MANIFEST = BUILD_DIR / "manifest.json"
GROUP = "server_stub_engine"  # the name of the shared library mypyc links the modules into
ENV_SWITCH = "AGENT_TUI_ENGINE"  # "interpreted" runs the sources even when a build is fresh


def engine_sources() -> list[Path]:
    """The modules compiled: all of the engine but the package's `__init__` (which activates)."""
    return sorted(p for p in ENGINE_DIR.glob("*.py") if p.name != "__init__.py")


def sources_digest() -> str:
    """What a build was made from: the sources, and the interpreter that can load it."""
    digest = hashlib.sha256(sys.implementation.cache_tag.encode())
    for path in engine_sources():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def activate(package_path: list[str], build_dir: Path = BUILD_DIR) -> str:
    """Put a fresh build in front of the engine's sources; say which one will run."""
    if os.environ.get(ENV_SWITCH) == "interpreted":
        return "interpreted"
    try:
        manifest = json.loads((build_dir / MANIFEST.name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "interpreted"
    if manifest.get("digest") != sources_digest():
        return "interpreted"  # the sources changed since the build: run them, not the build
    library = build_dir / str(manifest.get("library", ""))
    if not library.is_file():
        return "interpreted"
    spec = importlib.util.spec_from_file_location(f"{GROUP}__mypyc", library)
    if spec is None or spec.loader is None:
        return "interpreted"
    # The compiled modules import their shared library by this top-level name.
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except ImportError:
        return "interpreted"  # built for another platform or Python: the sources still run
    sys.modules[spec.name] = module
    package_path.insert(0, str(build_dir / "server_stub" / "engine"))
    return "compiled"


def missing_toolchain() -> str | None:
    """What a C build lacks here, said before mypyc spends its time type-checking."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.is_file():
        return f"no Python headers ({headers})"
    return None


def build() -> int:
    """Compile the engine into BUILD_DIR; on any failure leave no build and say why."""
    shutil.rmtree(BUILD_DIR, ignore_errors=True)
    root = ENGINE_DIR.parents[1]
    digest = sources_digest()
    missing = missing_toolchain()
    if missing:
        print(f"engine: runs interpreted ({missing}; install one to compile it with mypyc)")
        return 0
    try:
        from mypyc.build import mypycify
        from setuptools import setup
    except ImportError as error:
        print(f"engine: runs interpreted ({error.name} is not installed)")
        return 0
    with tempfile.TemporaryDirectory(prefix="engine-build-") as temp:
        staging = Path(temp) / "lib"
        cwd = Path.cwd()
        try:
            os.chdir(root)  # mypyc type-checks with the project's mypy settings
            extensions = mypycify(
                [str(path.relative_to(root)) for path in engine_sources()],
                group_name=GROUP,
                target_dir=str(Path(temp) / "c"),
            )
            os.chdir(temp)  # setuptools would read the project's pyproject.toml as well
            setup(
                name=GROUP,
                ext_modules=extensions,
                script_args=[
                    "--quiet",
                    "build_ext",
                    f"--build-lib={staging}",
                    f"--build-temp={Path(temp) / 'obj'}",
                ],
            )
        except (SystemExit, Exception) as error:  # setuptools exits on a compiler error
            print(f"engine: runs interpreted (the mypyc build failed: {error})")
            return 0
        finally:
            os.chdir(cwd)
        library = next(staging.glob(f"{GROUP}__mypyc.*"), None)
        if library is None:
            print("engine: runs interpreted (mypyc made no shared library)")
            return 0
        BUILD_DIR.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, BUILD_DIR)
    manifest = {"digest": digest, "library": library.name}
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"engine: compiled with mypyc into {BUILD_DIR.relative_to(root)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["build"]:
        print("usage: python -m server_stub.compiled_engine build", file=sys.stderr)
        return 2
    return build()


if __name__ == "__main__":
    sys.exit(main())
