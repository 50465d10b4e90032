// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG bus: debugfs. /sys/kernel/debug/scst/bus/<endpoint>/stats shows
 * per-type sent and delivered counts, references out, time in handlers,
 * spills and the rings' high-water mark.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "bus_internal.h"

static struct dentry *scst_debugfs_root;
static struct dentry *scst_bus_debugfs_dir;

static int scst_ep_stats_show(struct seq_file *m, void *unused)
{
	struct scst_ep_state *st = m->private;
	struct scst_ep_stats *s, sum = {};
	unsigned int cpu, type, hwm = 0;
	struct scst_ring *r;

	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(st->stats, cpu);
		r = per_cpu_ptr(st->rings, cpu);
		for (type = 0; type < SCST_MSG_NR; type++) {
			sum.sent[type] += READ_ONCE(s->sent[type]);
			sum.delivered[type] += READ_ONCE(s->delivered[type]);
			sum.handler_ns[type] += READ_ONCE(s->handler_ns[type]);
			sum.refs_out[type] += READ_ONCE(s->refs_out[type]);
		}
		sum.spills += READ_ONCE(s->spills);
		sum.spill_failures += READ_ONCE(s->spill_failures);
		sum.unhandled += READ_ONCE(s->unhandled);
		sum.late_replies += READ_ONCE(s->late_replies);
		hwm = max(hwm, READ_ONCE(r->hwm));
	}

	seq_printf(m, "endpoint: %s\n", st->ep->name);
	seq_printf(m, "state: %s\n",
		   READ_ONCE(st->life) == SCST_EP_ALIVE ? "alive" : "draining");
	if (st->ep->flags & SCST_EP_SLEEPS)
		seq_printf(m, "threads: pool of %u\n", st->nr_threads);
	else
		seq_puts(m, "threads: per-cpu bus threads\n");
	seq_printf(m, "ring_slots: %u per cpu\n",
		   this_cpu_ptr(st->rings)->mask + 1);
	seq_printf(m, "ring_high_water: %u\n", hwm);
	seq_printf(m, "spills: %llu\n", sum.spills);
	seq_printf(m, "spill_failures: %llu\n", sum.spill_failures);
	seq_printf(m, "unhandled: %llu\n", sum.unhandled);
	seq_printf(m, "late_replies: %llu\n", sum.late_replies);
	seq_printf(m, "handler_timing: %s, 1 in %u messages per type\n",
		   static_key_enabled(&scst_bus_timing) ? "on" : "off",
		   SCST_BUS_TIMING_SAMPLE);
	seq_printf(m, "%-16s %12s %12s %10s %14s\n", "type", "sent",
		   "delivered", "refs_out", "handler_ns");
	for (type = 0; type < SCST_MSG_NR; type++) {
		if (!sum.sent[type] && !sum.delivered[type] &&
		    !sum.refs_out[type])
			continue;
		seq_printf(m, "%-16s %12llu %12llu %10ld %14llu\n",
			   scst_msg_name(type), sum.sent[type],
			   sum.delivered[type], sum.refs_out[type],
			   sum.handler_ns[type]);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(scst_ep_stats);

void scst_bus_debugfs_add(struct scst_ep_state *st)
{
	st->debugfs = debugfs_create_dir(st->ep->name, scst_bus_debugfs_dir);
	debugfs_create_file("stats", 0444, st->debugfs, st,
			    &scst_ep_stats_fops);
}

void scst_bus_debugfs_remove(struct scst_ep_state *st)
{
	debugfs_remove_recursive(st->debugfs);
	st->debugfs = NULL;
}

int scst_bus_debugfs_init(void)
{
	/* debugfs failures are not fatal: the bus works without its stats. */
	scst_debugfs_root = debugfs_create_dir("scst", NULL);
	scst_bus_debugfs_dir = debugfs_create_dir("bus", scst_debugfs_root);
	return 0;
}

void scst_bus_debugfs_exit(void)
{
	debugfs_remove_recursive(scst_debugfs_root);
}
