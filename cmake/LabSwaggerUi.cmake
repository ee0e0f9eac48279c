# LabSwaggerUi.cmake: Swagger UI for the services' /docs pages, from npm's
# swagger-ui-dist (package.json at the repository root; `./lab deps` installs it).
# The files a page needs are copied into <build>/swagger-ui at build time, and
# lab_serve_api_docs(<target>) compiles that path into a service as LAB_SWAGGER_UI_DIR
# (overridable at run time with the environment variable SWAGGER_UI_DIR).
include_guard(GLOBAL)

set(LAB_SWAGGER_UI_SOURCE "${PROJECT_SOURCE_DIR}/node_modules/swagger-ui-dist")
if(NOT EXISTS "${LAB_SWAGGER_UI_SOURCE}/swagger-ui-bundle.js")
  message(FATAL_ERROR
    "swagger-ui-dist is missing (${LAB_SWAGGER_UI_SOURCE}): run ./lab deps "
    "(or `npm install` in ${PROJECT_SOURCE_DIR}) and configure again.")
endif()

set(LAB_SWAGGER_UI_DIR "${CMAKE_BINARY_DIR}/swagger-ui")
set(_lab_swagger_files
  swagger-ui-bundle.js swagger-ui.css index.css swagger-ui-standalone-preset.js
  favicon-16x16.png favicon-32x32.png oauth2-redirect.html oauth2-redirect.js
  LICENSE NOTICE package.json)
set(_lab_swagger_inputs)
set(_lab_swagger_outputs)
foreach(f ${_lab_swagger_files})
  if(EXISTS "${LAB_SWAGGER_UI_SOURCE}/${f}")
    list(APPEND _lab_swagger_inputs "${LAB_SWAGGER_UI_SOURCE}/${f}")
    list(APPEND _lab_swagger_outputs "${LAB_SWAGGER_UI_DIR}/${f}")
  endif()
endforeach()

add_custom_command(
  OUTPUT ${_lab_swagger_outputs}
  COMMAND ${CMAKE_COMMAND} -E make_directory "${LAB_SWAGGER_UI_DIR}"
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${_lab_swagger_inputs} "${LAB_SWAGGER_UI_DIR}"
  DEPENDS ${_lab_swagger_inputs}
  COMMENT "Copying Swagger UI (swagger-ui-dist) into ${LAB_SWAGGER_UI_DIR}"
  VERBATIM)
add_custom_target(lab_swagger_ui DEPENDS ${_lab_swagger_outputs})

# include_guard(GLOBAL) runs this file once, in the first includer's scope: the
# function must not rely on variables set above.
function(lab_serve_api_docs target)
  add_dependencies(${target} lab_swagger_ui)
  target_compile_definitions(${target} PRIVATE LAB_SWAGGER_UI_DIR="${CMAKE_BINARY_DIR}/swagger-ui")
endfunction()
