/*
** Runs every Check suite. The list comes from suite_list.h, which the
** Makefile writes with one SUITE(name) line per tests/check_<name>.c.
** CK_RUN_SUITE=<name> runs one suite; CK_FORK=no helps gdb and valgrind.
**
** Check stops a test after 4 seconds by default, which a sanitizer build
** on a busy 2-core CI machine can pass for correct code. The default here
** is 120 seconds; a test that needs more sets its own, and
** CK_DEFAULT_TIMEOUT or CK_TIMEOUT_MULTIPLIER from the environment win.
*/
#include <check.h>
#include <stdlib.h>

#define SUITE(name) Suite *name##_suite(void);
#include "suite_list.h"
#undef SUITE

int main(void)
{
    SRunner *runner;
    int failed;

    /* Read by tcase_create, so it must be set before the suites exist. */
    setenv("CK_DEFAULT_TIMEOUT", "120", 0);
    runner = srunner_create(NULL);

#define SUITE(name) srunner_add_suite(runner, name##_suite());
#include "suite_list.h"
#undef SUITE

    srunner_run_all(runner, CK_ENV);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
