# Turns python/shardplan_pytest.py into a C++ source holding its text.
file(READ ${INPUT} CONTENT)
file(WRITE ${OUTPUT} "// Generated from python/shardplan_pytest.py; do not edit.\n"
  "#include <string_view>\nnamespace shardplan {\n"
  "extern const std::string_view kEmbeddedPlugin;\n"
  "const std::string_view kEmbeddedPlugin = R\"SHARDPLAN_PY(${CONTENT})SHARDPLAN_PY\";\n}\n")
