#include "cli/app.hpp"

namespace cli {

int run(int, char**) {
  return 0;
}

}  // namespace cli
