/*
** Runs every Check suite. The list comes from suite_list.h, which the
** Makefile writes with one SUITE(name) line per tests/check_<name>.c.
** CK_RUN_SUITE=<name> runs one suite; CK_FORK=no helps gdb and valgrind.
*/
#include <check.h>
#include <stdlib.h>

#define SUITE(name) Suite *name##_suite(void);
#include "suite_list.h"
#undef SUITE

int main(void)
{
    SRunner *runner = srunner_create(NULL);
    int failed;

#define SUITE(name) srunner_add_suite(runner, name##_suite());
#include "suite_list.h"
#undef SUITE

    srunner_run_all(runner, CK_ENV);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
