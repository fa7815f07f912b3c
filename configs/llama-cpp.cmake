# Read right after llama.cpp's project() (CMAKE_PROJECT_llama.cpp_INCLUDE in the Makefile's LLAMA_CMAKE_ARGS).
# llama-cpp-python forces llama.cpp's common library on with a cache FORCE that -D cannot undo, yet the binding
# never loads it: it is the helper library of llama.cpp's own command-line tools. This normal variable shadows
# the forced entry inside llama.cpp's directory, so neither common nor cpp-httplib is compiled.
set(LLAMA_BUILD_COMMON OFF)
