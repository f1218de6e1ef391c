//! The Tauri commands, made from the one command table (commands.rs): each wrapper deserialises its
//! arguments, runs the plain function of the same name on a blocking worker thread (engine calls
//! touch the disk and may run the KDF, and the window must never freeze), and returns its result
//! or `CommandError`. Nothing else happens here. The invoke handler, the command names and the
//! table as data (for the TypeScript generator) come from the same table, so they cannot drift.

use tauri::{State, ipc::Channel};

// Globs, so that a table line may name any type of these modules without an import of its own.
use crate::{
    archive::{self, *},
    audit::{self, *},
    backup::{self, *},
    case::{self, *},
    desktop::Desktop,
    error::CommandError,
    exchange::{self, *},
    household::{self, *},
    meeting::{self, *},
    pdf::{self, *},
    plan::{self, *},
    progress::Progress,
    reference::{self, *},
    request,
    retention::{self, *},
    roster::{self, *},
    search::{self, *},
    statistics::{self, *},
    vault::{self, *},
    view::*,
};

type Answer<T> = Result<T, CommandError>;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Answer<T> + Send + 'static) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| CommandError::task(e.to_string()))?
}

/// A progress sink that forwards to the window; a closed channel (window reloaded) is ignored, as
/// the work itself must still finish.
fn reporter<P: tauri::ipc::IpcResponse + Send + Sync>(channel: Channel<P>) -> impl Fn(P) + Send + Sync {
    move |p| {
        let _ = channel.send(p);
    }
}

/// One command of the table as data: what the TypeScript generator needs to write its function.
#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    pub name: &'static str,
    /// Each argument the window sends: its Rust name and its Rust type as written in the table.
    pub arguments: &'static [(&'static str, &'static str)],
    /// The argument name and payload type of the progress channel, if the command reports progress.
    pub progress: Option<(&'static str, &'static str)>,
    /// The Rust type of the successful answer as written in the table.
    pub returns: &'static str,
    /// Writes the ts-rs TypeScript of every named type the command's arguments, progress and
    /// answer use, with all they depend on; so a new command's types need no list of their own.
    /// Only types ts-rs knows can appear in the table at all: this does not compile otherwise.
    pub export_types: fn(&ts_rs::Config) -> Result<(), ts_rs::ExportError>,
}

/// Exports `T` if it is a named type, else the named types inside it (`Vec<T>`, `Option<T>`).
fn export<T: ts_rs::TS + ?Sized + 'static>(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    if T::output_path().is_some() {
        return T::export_all(cfg);
    }
    let mut inner = Exporter { cfg, result: Ok(()) };
    T::visit_generics(&mut inner);
    T::visit_dependencies(&mut inner);
    inner.result
}

struct Exporter<'a> {
    cfg: &'a ts_rs::Config,
    result: Result<(), ts_rs::ExportError>,
}

impl ts_rs::TypeVisitor for Exporter<'_> {
    fn visit<T: ts_rs::TS + 'static + ?Sized>(&mut self) {
        if self.result.is_ok() {
            self.result = export::<T>(self.cfg);
        }
    }
}

/// The plain function's answer as the command's: most are already `Result`s.
macro_rules! answer {
    (infallible, $e:expr) => {
        Ok($e)
    };
    ($e:expr) => {
        $e
    };
}

/// The Tauri wrapper of one table line (see commands.rs for the line's grammar).
macro_rules! wrapper {
    ($name:ident (desk $(, $arg:ident : $ty:ty)* $(; $progress:ident : $p:ty)?)
        -> $ret:ty = $module:ident :: $func:ident $(, $how:ident)?) => {
        #[tauri::command]
        async fn $name(state: State<'_, Desktop>, $($arg: $ty,)* $($progress: Channel<$p>)?) -> Answer<$ret> {
            let desk = state.inner().clone();
            blocking(move || answer!($($how,)? $module::$func(&desk, $($arg,)* $(&reporter($progress))?))).await
        }
    };
    ($name:ident ($($arg:ident : $ty:ty),* $(; $progress:ident : $p:ty)?)
        -> $ret:ty = $module:ident :: $func:ident $(, $how:ident)?) => {
        #[tauri::command]
        async fn $name($($arg: $ty,)* $($progress: Channel<$p>)?) -> Answer<$ret> {
            blocking(move || answer!($($how,)? $module::$func($($arg,)* $(&reporter($progress))?))).await
        }
    };
}

macro_rules! some {
    () => {
        None
    };
    ($e:expr) => {
        Some($e)
    };
}

/// The `CommandSpec` of one table line.
macro_rules! spec {
    ($name:ident (desk $($rest:tt)*) -> $ret:ty) => {
        spec!($name ($($rest)*) -> $ret)
    };
    ($name:ident ($(,)? $($arg:ident : $ty:ty),* $(; $progress:ident : $p:ty)?) -> $ret:ty) => {{
        fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
            $(export::<$ty>(cfg)?;)*
            $(export::<$p>(cfg)?;)?
            export::<$ret>(cfg)
        }
        CommandSpec {
            name: stringify!($name),
            arguments: &[$((stringify!($arg), stringify!($ty))),*],
            progress: some!($((stringify!($progress), stringify!($p)))?),
            returns: stringify!($ret),
            export_types,
        }
    }};
}

macro_rules! commands {
    ($($name:ident ($($params:tt)*) -> $ret:ty = $module:ident :: $func:ident $(, $how:ident)?;)*) => {
        $(wrapper!($name ($($params)*) -> $ret = $module::$func $(, $how)?);)*

        /// The invoke handler: every command of the table and nothing else.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// Every command's name, in table order: the app manifest lists these (build.rs) so the
        /// capability's ACL checks each call.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        /// The whole table as data, in table order.
        pub const TABLE: &[CommandSpec] = &[$(spec!($name ($($params)*) -> $ret)),*];
    };
}

include!("commands.rs");
