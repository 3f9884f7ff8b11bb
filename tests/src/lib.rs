//! Test harness for the workspace integration tests: the real sync server as a child process on
//! loopback, devices with their own SQLite files, and a proxy that injects network faults.

pub mod device;
pub mod proxy;
pub mod server;

pub use device::Device;
pub use proxy::{Fault, Proxy};
pub use server::ServerProc;
