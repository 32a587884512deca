;; The guest: a hand-written core module for wit/stepper.wit (`npm run component` wraps it as a
;; component). Import and export names follow the canonical ABI: an interface import is module
;; `<package>/<interface>@<version>`, an export is `<package>/<interface>@<version>#<function>`.
;; Only numbers cross the boundary, so it needs no memory and no realloc.
(module
  (import "example:stepper/report@0.1.0" "step" (func $step (param i32 i64)))
  (func (export "example:stepper/collatz@0.1.0#steps") (param $n i64) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (call $step (local.get $i) (local.get $n))
        (br_if $done (i64.le_u (local.get $n) (i64.const 1)))
        (if (i64.eqz (i64.and (local.get $n) (i64.const 1)))
          (then (local.set $n (i64.shr_u (local.get $n) (i64.const 1))))
          (else (local.set $n (i64.add (i64.mul (local.get $n) (i64.const 3)) (i64.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i)))
