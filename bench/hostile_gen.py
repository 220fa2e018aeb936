#!/usr/bin/env python3
"""Write the hostile inputs of bench/hostile.sh (standard library only).

    python3 bench/hostile_gen.py CASE N > FILE

Cases (each is a small file that makes procflow report N problems):

  typo      N roles and N steps whose owners are unknown names close to them
            (`owner rolename17x` against `role role_name_17`): N "did you
            mean" searches among N roles (shared/reproducers/perf-typo-suggestions.flow)
  typo-same N roles and N steps with the same unknown owner (`owner nobdy`)
  after     one line with N unknown `after` names, after a title with
            non-ASCII text (columns count characters): N diagnostics on one
            line (perf-positions-one-line-100k.flow, perf-many-diags-one-line.flow)
"""

import sys


def main() -> None:
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        sys.exit(__doc__)
    case, n = sys.argv[1], int(sys.argv[2])
    out = sys.stdout
    if case in ("typo", "typo-same"):
        out.write("".join(f"role role_name_{i}\n" for i in range(n)))
        out.write('tool t\nprocess p { outcome "o" step s0 }\nworkflow w implements p {\n')
        for i in range(n):
            owner = f"rolename{i}x" if case == "typo" else "nobdy"
            out.write(f"  step x{i} {{ implements s0 owner {owner} tool t }}\n")
        out.write("}\n")
    elif case == "after":
        out.write('role a "A"\ntool t "T"\nprocess p "P" {\n  outcome "o"\n  step s0\n}\n')
        out.write('workflow w "W" implements p {\n')
        names = ", ".join(f"q{i}" for i in range(n))
        out.write(f'  step y "Café ☕" {{ implements s0 owner a tool t after {names} }}\n')
        out.write("}\n")
    else:
        sys.exit(f"unknown case {case!r}\n{__doc__}")


if __name__ == "__main__":
    main()
