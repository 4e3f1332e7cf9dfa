# lit configuration of the asyncc tool's tests. Run lit on the build tree,
# where CMake wrote lit.site.cfg.py with the paths:
#   python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv <build>/test/tool
#
# Substitutions:
#   %asyncc          the tool
#   %asyncc_include  the runtime's headers (<asyncc/async.hpp>)
#   %clang_resource_dir  the Clang resource directory the tool was built with
#   %clangxx         clang++ 19, to compile what the tool wrote
#   %python          the Python that runs lit
#   %expect_exit N   runs the rest of the line and fails unless it exits
#                    with status N (lit's `not` only tells zero from non-zero)
import os
import sys

import lit.formats

config.name = "asyncc-tool"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test"]
config.excludes = ["Inputs", "utils"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))

if not hasattr(config, "asyncc_tool"):
    lit_config.fatal("run lit on <build>/test/tool, where CMake wrote lit.site.cfg.py")

expect_exit = os.path.join(config.test_source_root, "utils", "expect_exit.py")
# Applied in order: %asyncc is a prefix of %asyncc_include.
config.substitutions.append(("%asyncc_include", config.asyncc_include))
config.substitutions.append(("%asyncc", config.asyncc_tool))
config.substitutions.append(("%clang_resource_dir", config.clang_resource_dir))
config.substitutions.append(("%clangxx", os.path.join(os.path.dirname(config.filecheck), "clang++")))
config.substitutions.append(("%python", '"%s"' % sys.executable))
config.substitutions.append(("%expect_exit", '"%s" "%s"' % (sys.executable, expect_exit)))

import shutil
if shutil.which("gdb"):
    config.available_features.add("gdb")

# FileCheck as a plain command, as in LLVM's own tests.
config.environment["PATH"] = os.pathsep.join(
    [os.path.dirname(config.filecheck), config.environment.get("PATH", "")])
