// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SCST-NG core, sense data (core-cmd/sense.h). The expected bytes
 * are written out from SPC-4 4.5.2 (descriptor format, sense key specific
 * descriptor 4.5.2.5) and 4.5.3 (fixed format), with the field pointer of
 * 4.5.2.4.2.
 */
#include <asm/unaligned.h>
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <scst/cmd.h>
#include "../core-cmd/sense.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define SE_CANARY	0xa5

struct se_build_case {
	const char *name;
	bool d_sense;
	u8 key, asc, ascq;
	struct scst_sks sks;
	unsigned int len;
	u8 data[24];
};

static const struct se_build_case se_build_cases[] = {
	{ "fixed NOT READY, becoming ready", false,
	  SCST_KEY_NOT_READY, 0x04, 0x01, { }, 18,
	  { 0x70, 0x00, 0x02, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0,
	    0x04, 0x01, 0x00, 0x00, 0x00, 0x00 } },
	{ "fixed INVALID FIELD IN CDB byte 1 bit 4", false,
	  SCST_KEY_ILLEGAL_REQUEST, 0x24, 0x00,
	  { .valid = true, .cdb = true, .byte = 1, .bit = 4 }, 18,
	  { 0x70, 0x00, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0,
	    0x24, 0x00, 0x00, 0xcc, 0x00, 0x01 } },
	{ "fixed INVALID FIELD IN CDB whole byte 7", false,
	  SCST_KEY_ILLEGAL_REQUEST, 0x24, 0x00,
	  { .valid = true, .cdb = true, .byte = 7, .bit = -1 }, 18,
	  { 0x70, 0x00, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0,
	    0x24, 0x00, 0x00, 0xc0, 0x00, 0x07 } },
	{ "fixed INVALID FIELD IN PARAMETER LIST byte 258 bit 0", false,
	  SCST_KEY_ILLEGAL_REQUEST, 0x26, 0x00,
	  { .valid = true, .cdb = false, .byte = 258, .bit = 0 }, 18,
	  { 0x70, 0x00, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0,
	    0x26, 0x00, 0x00, 0x88, 0x01, 0x02 } },
	{ "fixed pointer not valid", false,
	  SCST_KEY_ILLEGAL_REQUEST, 0x20, 0x00,
	  { .valid = false, .cdb = true, .byte = 3, .bit = 2 }, 18,
	  { 0x70, 0x00, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0,
	    0x20, 0x00, 0x00, 0x00, 0x00, 0x00 } },
	{ "fixed key keeps its low 4 bits", false, 0xf6, 0x29, 0x02, { }, 18,
	  { 0x70, 0x00, 0x06, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0,
	    0x29, 0x02, 0x00, 0x00, 0x00, 0x00 } },
	{ "descriptor UNIT ATTENTION, no sks", true,
	  SCST_KEY_UNIT_ATTENTION, 0x29, 0x00, { }, 8,
	  { 0x72, 0x06, 0x29, 0x00, 0x00, 0x00, 0x00, 0x00 } },
	{ "descriptor INVALID FIELD IN CDB byte 7", true,
	  SCST_KEY_ILLEGAL_REQUEST, 0x24, 0x00,
	  { .valid = true, .cdb = true, .byte = 7, .bit = -1 }, 16,
	  { 0x72, 0x05, 0x24, 0x00, 0x00, 0x00, 0x00, 0x08,
	    0x02, 0x06, 0x00, 0x00, 0xc0, 0x00, 0x07, 0x00 } },
	{ "descriptor INVALID FIELD IN CDB byte 10 bit 7", true,
	  SCST_KEY_ILLEGAL_REQUEST, 0x24, 0x00,
	  { .valid = true, .cdb = true, .byte = 10, .bit = 7 }, 16,
	  { 0x72, 0x05, 0x24, 0x00, 0x00, 0x00, 0x00, 0x08,
	    0x02, 0x06, 0x00, 0x00, 0xcf, 0x00, 0x0a, 0x00 } },
	{ "descriptor parameter list byte 0x1234", true,
	  SCST_KEY_ILLEGAL_REQUEST, 0x26, 0x00,
	  { .valid = true, .cdb = false, .byte = 0x1234, .bit = -1 }, 16,
	  { 0x72, 0x05, 0x26, 0x00, 0x00, 0x00, 0x00, 0x08,
	    0x02, 0x06, 0x00, 0x00, 0x80, 0x12, 0x34, 0x00 } },
};

static void se_build_to_desc(const struct se_build_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(se_build, se_build_cases, se_build_to_desc);

static void sense_test_build_layout(struct kunit *test)
{
	const struct se_build_case *c = test->param_value;
	u8 buf[SCST_SENSE_BUFFERSIZE];
	unsigned int len, i;
	u8 key, asc, ascq;

	memset(buf, SE_CANARY, sizeof(buf));
	len = scst_sense_build(buf, sizeof(buf), c->d_sense, c->key, c->asc,
			       c->ascq, &c->sks);
	KUNIT_ASSERT_EQ(test, len, c->len);
	for (i = 0; i < len; i++)
		KUNIT_EXPECT_EQ_MSG(test, buf[i], c->data[i], "byte %u", i);
	KUNIT_EXPECT_EQ(test, buf[len], SE_CANARY);

	/* and it reads back */
	KUNIT_EXPECT_TRUE(test, scst_sense_decode(buf, len, &key, &asc, &ascq));
	KUNIT_EXPECT_EQ(test, key, c->key & 0x0f);
	KUNIT_EXPECT_EQ(test, asc, c->asc);
	KUNIT_EXPECT_EQ(test, ascq, c->ascq);
}

static void sense_test_build_without_sks(struct kunit *test)
{
	u8 a[SCST_SENSE_BUFFERSIZE], b[SCST_SENSE_BUFFERSIZE];

	/* NULL and an invalid pointer build the same sense */
	KUNIT_EXPECT_EQ(test, scst_sense_build(a, sizeof(a), false, 0x5, 0x24,
					       0, NULL), 18U);
	KUNIT_EXPECT_EQ(test, scst_sense_build(b, sizeof(b), false, 0x5, 0x24,
					       0, &(struct scst_sks){ }), 18U);
	KUNIT_EXPECT_EQ(test, memcmp(a, b, 18), 0);
	KUNIT_EXPECT_EQ(test, scst_sense_build(a, sizeof(a), true, 0x5, 0x24,
					       0, NULL), 8U);
	KUNIT_EXPECT_EQ(test, a[7], 0);
}

/*
 * SPC-4 4.5: the INFORMATION field (MISCOMPARE's offset). Fixed format
 * has four bytes with VALID; a larger value leaves VALID clear rather than
 * report a truncated one. Descriptor format appends an information
 * descriptor, if there is room.
 */
static void sense_test_set_info(struct kunit *test)
{
	u8 buf[SCST_SENSE_BUFFERSIZE];
	unsigned int len;

	len = scst_sense_build(buf, sizeof(buf), false, 0xe, 0x1d, 0, NULL);
	KUNIT_EXPECT_EQ(test, scst_sense_set_info(buf, sizeof(buf), len, 77),
			len);
	KUNIT_EXPECT_EQ(test, buf[0], 0xf0);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&buf[3]), 77U);

	len = scst_sense_build(buf, sizeof(buf), false, 0xe, 0x1d, 0, NULL);
	scst_sense_set_info(buf, sizeof(buf), len, 1ULL << 32);
	KUNIT_EXPECT_EQ(test, buf[0], 0x70);

	len = scst_sense_build(buf, sizeof(buf), true, 0xe, 0x1d, 0, NULL);
	KUNIT_ASSERT_EQ(test, len, 8U);
	KUNIT_EXPECT_EQ(test, scst_sense_set_info(buf, sizeof(buf), len,
						  1ULL << 40), 20U);
	KUNIT_EXPECT_EQ(test, buf[7], 12);
	KUNIT_EXPECT_EQ(test, buf[8], 0x00);
	KUNIT_EXPECT_EQ(test, buf[9], 0x0a);
	KUNIT_EXPECT_EQ(test, buf[10], 0x80);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(&buf[12]), 1ULL << 40);
	/* No room for the descriptor: the sense stays as it was */
	len = scst_sense_build(buf, 16, true, 0xe, 0x1d, 0, NULL);
	KUNIT_EXPECT_EQ(test, scst_sense_set_info(buf, 16, len, 5), len);
	KUNIT_EXPECT_EQ(test, buf[7], 0);
}

static void sense_test_build_refuses_small_buffer(struct kunit *test)
{
	struct scst_sks sks = { .valid = true, .cdb = true, .byte = 1 };
	u8 buf[18];

	memset(buf, SE_CANARY, sizeof(buf));
	KUNIT_EXPECT_EQ(test, scst_sense_build(buf, 17, false, 0x5, 0x24, 0,
					       NULL), 0U);
	KUNIT_EXPECT_EQ(test, scst_sense_build(buf, 15, true, 0x5, 0x24, 0,
					       &sks), 0U);
	KUNIT_EXPECT_EQ(test, buf[0], SE_CANARY);

	/* exactly enough is enough */
	KUNIT_EXPECT_EQ(test, scst_sense_build(buf, 18, false, 0x5, 0x24, 0,
					       NULL), 18U);
	KUNIT_EXPECT_EQ(test, scst_sense_build(buf, 16, true, 0x5, 0x24, 0,
					       &sks), 16U);
	KUNIT_EXPECT_EQ(test, scst_sense_build(buf, 8, true, 0x5, 0x24, 0,
					       NULL), 8U);
}

struct se_decode_case {
	const char *name;
	u8 sense[20];
	unsigned int len;
	bool ok;
	u8 key, asc, ascq;
};

static const struct se_decode_case se_decode_cases[] = {
	{ "fixed current", { 0x70, 0, 0x03, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0,
	  0x11, 0x00 }, 18, true, 0x3, 0x11, 0x00 },
	{ "fixed deferred", { 0x71, 0, 0x04, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0,
	  0x44, 0x00 }, 18, true, 0x4, 0x44, 0x00 },
	{ "fixed with VALID and ILI", { 0xf0, 0, 0x25, 0, 0, 0, 9, 0x0a, 0,
	  0, 0, 0, 0x24, 0x00 }, 18, true, 0x5, 0x24, 0x00 },
	{ "fixed cut before ASC", { 0x70, 0, 0x06, 0, 0, 0, 0, 0x0a }, 8,
	  true, 0x6, 0, 0 },
	{ "fixed whose length stops before ASC", { 0x70, 0, 0x06, 0, 0, 0, 0,
	  0x04, 0, 0, 0, 0, 0x29, 0x00 }, 18, true, 0x6, 0, 0 },
	{ "fixed only 2 bytes", { 0x70, 0 }, 2, false },
	{ "descriptor current", { 0x72, 0x0b, 0x47, 0x03, 0, 0, 0, 0 }, 8,
	  true, 0xb, 0x47, 0x03 },
	{ "descriptor deferred", { 0x73, 0x01, 0x5d, 0x00, 0, 0, 0, 0 }, 8,
	  true, 0x1, 0x5d, 0x00 },
	{ "descriptor only 3 bytes", { 0x72, 0x05, 0x24 }, 3, false },
	{ "vendor response code", { 0x7f, 0x05, 0x24, 0 }, 4, false },
	{ "not sense", { 0x00, 0x05, 0x24, 0 }, 4, false },
	{ "empty", { 0x70 }, 0, false },
};

static void se_decode_to_desc(const struct se_decode_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(se_decode, se_decode_cases, se_decode_to_desc);

static void sense_test_decode(struct kunit *test)
{
	const struct se_decode_case *c = test->param_value;
	u8 key = 0xff, asc = 0xff, ascq = 0xff;

	KUNIT_EXPECT_EQ(test, scst_sense_decode(c->sense, c->len, &key, &asc,
						&ascq), c->ok);
	if (!c->ok)
		return;
	KUNIT_EXPECT_EQ(test, key, c->key);
	KUNIT_EXPECT_EQ(test, asc, c->asc);
	KUNIT_EXPECT_EQ(test, ascq, c->ascq);
}

static void sense_test_decode_null(struct kunit *test)
{
	u8 key, asc, ascq;

	KUNIT_EXPECT_FALSE(test, scst_sense_decode(NULL, 0, &key, &asc,
						   &ascq));
}

static struct kunit_case sense_test_cases[] = {
	KUNIT_CASE_PARAM(sense_test_build_layout, se_build_gen_params),
	KUNIT_CASE(sense_test_build_without_sks),
	KUNIT_CASE(sense_test_set_info),
	KUNIT_CASE(sense_test_build_refuses_small_buffer),
	KUNIT_CASE_PARAM(sense_test_decode, se_decode_gen_params),
	KUNIT_CASE(sense_test_decode_null),
	{}
};

static struct kunit_suite sense_test_suite = {
	.name = "scst_core_sense",
	.test_cases = sense_test_cases,
};

kunit_test_suite(sense_test_suite);
