//! The restricted Rhai engine: only core language, arithmetic, logic, strings, arrays, maps, math
//! conversions and basic time; no file, process, module or `eval` access; every limit set. One run
//! engine per thread ([`run_engine`]).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::Instant;

use rhai::packages::{
    BasicArrayPackage, BasicMapPackage, BasicMathPackage, BasicTimePackage, CorePackage,
    LogicPackage, MoreStringPackage, Package,
};
use rhai::{Dynamic, Engine, OptimizationLevel};

use crate::host;
use crate::limits::Limits;

/// Check the clock every this many operations (reading it on every one would cost ~20 ns each).
const CLOCK_CHECK_EVERY: u64 = 128;

/// Packages, built once and shared by every engine.
struct Packages {
    core: CorePackage,
    logic: LogicPackage,
    strings: MoreStringPackage,
    arrays: BasicArrayPackage,
    maps: BasicMapPackage,
    math: BasicMathPackage,
    time: BasicTimePackage,
}

fn packages() -> &'static Packages {
    static PACKAGES: OnceLock<Packages> = OnceLock::new();
    PACKAGES.get_or_init(|| Packages {
        core: CorePackage::new(),
        logic: LogicPackage::new(),
        strings: MoreStringPackage::new(),
        arrays: BasicArrayPackage::new(),
        maps: BasicMapPackage::new(),
        math: BasicMathPackage::new(),
        time: BasicTimePackage::new(),
    })
}

/// A raw engine with the allowed packages and the given limits, without host functions or the
/// wall-clock check.
pub(crate) fn base_engine(limits: &Limits) -> Engine {
    let mut engine = Engine::new_raw();
    let p = packages();
    p.core.register_into_engine(&mut engine);
    p.logic.register_into_engine(&mut engine);
    p.strings.register_into_engine(&mut engine);
    p.arrays.register_into_engine(&mut engine);
    p.maps.register_into_engine(&mut engine);
    p.math.register_into_engine(&mut engine);
    p.time.register_into_engine(&mut engine);
    engine
        .disable_symbol("eval")
        .set_optimization_level(OptimizationLevel::Simple)
        .set_max_operations(limits.max_operations)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depth.0, limits.max_expr_depth.1)
        .set_max_variables(1_000)
        .set_max_functions(256)
        .set_max_modules(0)
        .on_print(|text| tracing::debug!(target: "mdn_scripts::print", "{text}"))
        .on_debug(|text, _, pos| tracing::debug!(target: "mdn_scripts::debug", "{pos}: {text}"));
    engine
}

/// Adds the wall-clock deadline of the run on the current thread (`host::enter`): the run is
/// terminated once it passes, or at once when no run is entered.
fn set_deadline(engine: &mut Engine) {
    engine.on_progress(move |ops| {
        if ops % CLOCK_CHECK_EVERY != 0 {
            return None;
        }
        match host::current_deadline() {
            Some(deadline) if Instant::now() < deadline => None,
            _ => Some(Dynamic::from("wall-clock timeout")),
        }
    });
}

thread_local! {
    /// This thread's run engine and the limits it was built with.
    static RUN_ENGINE: RefCell<Option<(Limits, Rc<Engine>)>> = const { RefCell::new(None) };
}

/// The engine for runs with `limits` on this thread: packages, limits, deadline check and host
/// functions. Built once per thread (and again when the limits change); it keeps no state between
/// runs (each run has its own scope, and host calls their own `host::enter` context).
pub(crate) fn run_engine(limits: &Limits) -> Rc<Engine> {
    RUN_ENGINE.with_borrow_mut(|slot| {
        if let Some((built_with, engine)) = slot.as_ref()
            && built_with == limits
        {
            return Rc::clone(engine);
        }
        let mut engine = base_engine(limits);
        set_deadline(&mut engine);
        host::register(&mut engine, limits);
        let engine = Rc::new(engine);
        *slot = Some((limits.clone(), Rc::clone(&engine)));
        engine
    })
}

/// Compiles `source` with the sandbox's syntax limits.
pub(crate) fn compile(source: &str) -> Result<rhai::AST, rhai::ParseError> {
    base_engine(&Limits::default()).compile(source)
}
