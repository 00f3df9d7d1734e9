# The broker itself: processors, long polling, registration, and the Broker that wires them.
set(BROKER_core_SRCS
  admin_processor.cc
  broker.cc
  client_processor.cc
  pull_hold_service.cc
  pull_processor.cc
  registration.cc
  reply.cc
  send_processor.cc)
set(BROKER_core_DEPS orbit::broker_config orbit::broker_managers orbit::broker_clients
  orbit::store orbit::net)
set(BROKER_core_TESTS tests/broker_test.cc tests/broker_test_support.cc)
set(BROKER_core_TEST_LABELS integration)
set(BROKER_core_TEST_DEPS orbit_golden_support)

# More of the broker, one fragment per area (core_<area>.cmake): each appends its sources to
# BROKER_core_SRCS and its tests to BROKER_core_TESTS (all in the one broker_core_test binary).
file(GLOB BROKER_CORE_PARTS ${CMAKE_CURRENT_LIST_DIR}/core_*.cmake)
foreach(part ${BROKER_CORE_PARTS})
  include(${part})
endforeach()
# A part being written may list files that do not exist yet: leave them out (with a warning)
# rather than break every other build of the tree.
foreach(kind SRCS TESTS)
  set(present)
  foreach(f ${BROKER_core_${kind}})
    if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/${f})
      list(APPEND present ${f})
    else()
      message(WARNING "broker: ${f} is listed but missing; left out")
    endif()
  endforeach()
  set(BROKER_core_${kind} ${present})
endforeach()
