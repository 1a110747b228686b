// emu_kernels.h: the C interface of emu_kernels.cc (videodit_cudaemu).
#pragma once
#include <stddef.h>
#include <stdint.h>

#define VD_EMU_UNKNOWN_KERNEL 1
#define VD_EMU_BAD_ARGS 2
#define VD_EMU_BAD_BLOCK 3

#ifdef __cplusplus
extern "C" {
#endif
int vd_emu_launch(const char* name, int gx, int gy, int gz, int bx, int by, int bz, int shared,
                  const uint64_t* args, int nargs);
void vd_emu_copy(uintptr_t dst, uintptr_t src, size_t n);
void vd_emu_free(uintptr_t p);
#ifdef __cplusplus
}
#endif
