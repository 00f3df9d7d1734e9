#pragma once

// A FileSystem that can only read: what orbit-store hands to the store library, so that the
// operator's tool can never change a store, even one a broker is using.
//
// - Open in any mode opens the existing file O_RDONLY (the store's segment loader asks for
//   read-write; it gets a read-only file). Creating modes fail with kUnsupported.
// - Map maps PROT_READ: a write through the mapping would fault instead of changing the file.
// - Write, Sync, Truncate, Allocate, CreateDirs, Remove, Rename, SyncDir and Lock fail with
//   kUnsupported. Everything else reads through the POSIX file system.
//
// Thread-safe, like the POSIX file system it wraps.

#include "store/file_system.h"

namespace orbit::store_tool {

// The process-wide instance.
store::FileSystem* ReadOnlyFileSystem();

}  // namespace orbit::store_tool
