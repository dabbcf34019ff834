/* The entry point: loading the built .so the way a client does. */
#include <string.h>

#include "harness.h"

/* The shared object must load through sqlite3_load_extension, which also
** proves it resolves every symbol against the host's SQLite. */
START_TEST(test_extension_loads_shared_object)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    int rc;

    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    sqlite3_enable_load_extension(db, 1);
    rc = sqlite3_load_extension(db, BUILD_DIR "/receivables", NULL,
                                &err);
    ck_assert_msg(rc == SQLITE_OK, "load failed: %s", err ? err : "?");
    expect_sql(db, "SELECT receivables_version()", "0.1.0");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_extension_version_registered)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT receivables_version()", "0.1.0");
    sqlite3_close(db);
}
END_TEST

Suite *extension_suite(void)
{
    Suite *s = suite_create("extension");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_extension_loads_shared_object);
    tcase_add_test(tc, test_extension_version_registered);
    suite_add_tcase(s, tc);
    return s;
}
