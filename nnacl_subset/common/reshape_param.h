/*
 * reshape_param.h -- parameters of the reshape family's one kernel. Reshapes themselves need
 * no code (the output is the input's memory); reshape_copy writes a constant computed at
 * generation time (a folded graph output) into its output buffer.
 */
#ifndef NNACL_COMMON_RESHAPE_PARAM_H_
#define NNACL_COMMON_RESHAPE_PARAM_H_

#include <stddef.h>

typedef struct reshape_param_t {
  size_t nbytes; /* bytes to copy */
} reshape_param_t;

#endif /* NNACL_COMMON_RESHAPE_PARAM_H_ */
