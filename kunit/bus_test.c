// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the SCST-NG bus.
 */
#include <kunit/test.h>
#include <scst/bus.h>

static void bus_test_msg_is_one_line(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct scst_msg), (size_t)64);
}

static struct kunit_case bus_test_cases[] = {
	KUNIT_CASE(bus_test_msg_is_one_line),
	{}
};

static struct kunit_suite bus_test_suite = {
	.name = "scst_bus",
	.test_cases = bus_test_cases,
};
kunit_test_suite(bus_test_suite);

MODULE_LICENSE("GPL");
