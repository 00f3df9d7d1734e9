#pragma once

// The error-code table is part of the public API: include/orbit/error_codes.h.
#include "orbit/error_codes.h"  // IWYU pragma: export
