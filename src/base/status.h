#pragma once

// Status and Result are part of the public API: include/orbit/status.h.
#include "orbit/status.h"  // IWYU pragma: export
