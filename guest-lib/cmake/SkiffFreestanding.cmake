# Compiler and linker settings for Skiff's freestanding images.
#
# Two kinds of freestanding code share the host gcc:
#   hv    - the ring-0 hypervisor: kernel code model, no red zone, no SSE,
#           no stack protector (FS belongs to the guest while it runs).
#   guest - ring-3 PV guests built on guest-lib: small code model, linked at
#           2 MiB, stack protector through the TLS canary guest-lib sets up,
#           no red zone (hypercall wrappers `call` into the hypercall page).
# Out-of-tree guests include this file (see docs/guest-guide.md).

execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE SKIFF_CC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-libgcc-file-name
                OUTPUT_VARIABLE SKIFF_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)
find_library(SKIFF_LIBFDT_STATIC NAMES libfdt.a REQUIRED)

set(SKIFF_FREESTANDING_COMMON
    -ffreestanding -nostdinc -isystem ${SKIFF_CC_INCLUDE}
    -fno-pic -fno-pie -fno-asynchronous-unwind-tables -fno-omit-frame-pointer
    -fno-common -fcf-protection=none -ffunction-sections -fdata-sections)

set(SKIFF_HV_CFLAGS ${SKIFF_FREESTANDING_COMMON}
    -mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-stack-protector
    -momit-leaf-frame-pointer)

set(SKIFF_GUEST_CFLAGS ${SKIFF_FREESTANDING_COMMON}
    -mcmodel=small -mno-red-zone -fstack-protector-strong)

# skiff_freestanding(<target> hv|guest): compile <target> as freestanding code.
function(skiff_freestanding target kind)
  if(kind STREQUAL "hv")
    set(flags ${SKIFF_HV_CFLAGS})
  elseif(kind STREQUAL "guest")
    set(flags ${SKIFF_GUEST_CFLAGS})
  else()
    message(FATAL_ERROR "skiff_freestanding: unknown kind '${kind}'")
  endif()
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C>:${flags} ${SKIFF_WARNINGS}>
    $<$<COMPILE_LANGUAGE:ASM>:-fno-pie -nostdinc -isystem ${SKIFF_CC_INCLUDE}>)
  add_dependencies(${target} skiff_version_header)
endfunction()

# skiff_link_image(<target> <linker script>): link a static freestanding ELF.
function(skiff_link_image target script)
  target_link_options(${target} PRIVATE
    -nostdlib -static -no-pie -Wl,-T,${script} -Wl,--build-id=none
    -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,--gc-sections
    -Wl,--no-warn-rwx-segments)
  set_target_properties(${target} PROPERTIES LINK_DEPENDS ${script})
endfunction()
