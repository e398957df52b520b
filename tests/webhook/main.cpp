// webhook_tests (ctest integration.webhook): the webhook listener over real HTTP on 127.0.0.1, and
// creatorscore-sim's sender delivering to it, in one process. Real sockets and real time (short),
// hence not in `unit`.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
