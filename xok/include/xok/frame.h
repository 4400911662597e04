/*
 * xok/frame.h: byte offsets of struct xok_frame (xok/abi.h, which
 * checks them against the structure), for assembly that reads an upcall
 * frame (libexos/upcall.S).  Constants only: included by assembly.
 */
#ifndef XOK_FRAME_H
#define XOK_FRAME_H

#define XF_TYPE     0
#define XF_TRAPNO   8
#define XF_ERR     16
#define XF_ADDR    24
#define XF_INFO    32
#define XF_R15     40
#define XF_R14     48
#define XF_R13     56
#define XF_R12     64
#define XF_R11     72
#define XF_R10     80
#define XF_R9      88
#define XF_R8      96
#define XF_RBP    104
#define XF_RDI    112
#define XF_RSI    120
#define XF_RDX    128
#define XF_RCX    136
#define XF_RBX    144
#define XF_RAX    152
#define XF_RIP    160
#define XF_CS     168
#define XF_RFLAGS 176
#define XF_RSP    184
#define XF_SS     192
#define XF_SIZE   200

#endif /* XOK_FRAME_H */
