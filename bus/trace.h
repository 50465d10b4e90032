/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG bus tracepoints: a message as it is sent and as it is delivered.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM scst_bus

#if !defined(_SCST_BUS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SCST_BUS_TRACE_H

#include <linux/tracepoint.h>
#include <scst/bus.h>

DECLARE_EVENT_CLASS(scst_bus_msg,
	TP_PROTO(const char *ep, const struct scst_msg *msg),
	TP_ARGS(ep, msg),
	TP_STRUCT__entry(
		__string(ep, ep)
		__string(type, scst_msg_name(msg->type))
		__field(u16, flags)
		__field(u8, src)
		__field(u8, dst)
		__field(u64, cookie)
	),
	TP_fast_assign(
		__assign_str(ep, ep);
		__assign_str(type, scst_msg_name(msg->type));
		__entry->flags = msg->flags;
		__entry->src = msg->src;
		__entry->dst = msg->dst;
		__entry->cookie = msg->cookie;
	),
	TP_printk("%s %s %u->%u flags=%#x cookie=%#llx",
		  __get_str(ep), __get_str(type), __entry->src, __entry->dst,
		  __entry->flags, __entry->cookie)
);

DEFINE_EVENT(scst_bus_msg, msg_send,
	TP_PROTO(const char *ep, const struct scst_msg *msg),
	TP_ARGS(ep, msg)
);

DEFINE_EVENT(scst_bus_msg, msg_deliver,
	TP_PROTO(const char *ep, const struct scst_msg *msg),
	TP_ARGS(ep, msg)
);

#endif /* _SCST_BUS_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
