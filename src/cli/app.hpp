#pragma once

namespace cli {

// Parses the command line, runs the command, and maps every outcome to an exit code of
// PRODUCT.md. The only place that catches core::Fatal.
int run(int argc, char** argv);

}  // namespace cli
