"""``python -m tilelang_tt.release_check DIR...``: check compiled artifacts directories against the
TT-Metalium release (kernels against its device headers, main.cpp against libtt_metal.so).

Exit status: 0 everything matches, 1 a mismatch (printed), 2 the release could not be had or bad usage.
"""

import argparse
import sys

from . import RELEASE_VERSION, check_host_programs, check_kernels, release_root
from .errors import ReleaseCheckError, ReleaseMismatchError
from .jit import ARCHES


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tilelang_tt.release_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="*", metavar="DIR", help="artifacts directory (tt.plan.json, kernels, main.cpp)")
    parser.add_argument("--arch", choices=sorted(ARCHES),
                        help="check the kernels for this architecture, not the plan's")
    parser.add_argument("--work-dir", help="keep the generated JIT files and compiles here (to rerun them by hand)")
    parser.add_argument("--fetch", action="store_true", help="only download and cache the release; print its directory")
    args = parser.parse_args(argv)
    try:
        root = release_root()
        if args.fetch:
            print(root)
            return 0
        if not args.dirs:
            parser.error("give at least one artifacts directory (or --fetch)")
        kernels = check_kernels(args.dirs, arch=args.arch, work_dir=args.work_dir)
        print(f"kernels: {len(kernels.compiles)} distinct compile(s) against TT-Metalium v{RELEASE_VERSION} passed")
        for name, count in sorted(kernels.noise.items()):
            print(f"  set aside as host-compiler noise: {count} x {name}")
        for program in check_host_programs(args.dirs):
            print(f"host: {program.source}: {len(program.resolved)} TT-Metalium symbol(s) exported by libtt_metal.so")
            for name in sorted({s.name for s in program.unchecked}):
                print(f"  unchecked (inline in the simulator's headers, not exported): {name}")
    except ReleaseMismatchError as e:
        print(e, file=sys.stderr)
        return 1
    except ReleaseCheckError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
