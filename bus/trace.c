// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG bus: the one file that instantiates the tracepoints.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
