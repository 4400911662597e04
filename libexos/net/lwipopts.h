/*
 * lwipopts.h: lwIP's configuration for the ExOS network library: no
 * operating system (NO_SYS=1, the raw API, timers run from the receive
 * loop), IPv4, ARP, ICMP, TCP and UDP; no DHCP, DNS or IPv6 (QEMU's user
 * network gives the fixed address 10.0.2.15).  Memory is lwIP's own
 * static heap and pools inside the program's data.  docs/NETWORK.md.
 */
#ifndef EXOS_LWIPOPTS_H
#define EXOS_LWIPOPTS_H

#define NO_SYS                  1
#define LWIP_TIMERS             1
#define SYS_LIGHTWEIGHT_PROT    0
#define LWIP_NETCONN            0
#define LWIP_SOCKET             0
#define LWIP_IPV4               1
#define LWIP_IPV6               0
#define LWIP_ARP                1
#define LWIP_ETHERNET           1
#define LWIP_ICMP               1
#define LWIP_RAW                0
#define LWIP_UDP                1
#define LWIP_TCP                1
#define LWIP_DHCP               0
#define LWIP_DNS                0
#define LWIP_IGMP               0
#define LWIP_AUTOIP             0
#define IP_REASSEMBLY           1
#define IP_FRAG                 1
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_SINGLE_NETIF       1

/* Memory: a 256 KiB heap (transmit data written with
 * TCP_WRITE_FLAG_COPY), 128 pool buffers of one frame each (received
 * frames; when they run out a frame is dropped, as on a full ring). */
#define MEM_ALIGNMENT           8
#define MEM_SIZE                (256 * 1024)
#define PBUF_POOL_SIZE          128
#define PBUF_POOL_BUFSIZE       1536
#define MEMP_NUM_PBUF           64
#define MEMP_NUM_TCP_PCB        16
#define MEMP_NUM_TCP_PCB_LISTEN 4
#define MEMP_NUM_UDP_PCB        4
#define MEMP_NUM_SYS_TIMEOUT    8
#define MEMP_NUM_REASSDATA      4
#define MEMP_NUM_FRAG_PBUF      16
#define ARP_TABLE_SIZE          8
#define ARP_QUEUEING            1
#define MEMP_NUM_ARP_QUEUE      16

/* TCP: a 24-segment receive window, 16 segments of send buffer. */
#define TCP_MSS                 1460
#define TCP_WND                 (24 * TCP_MSS)
#define TCP_SND_BUF             (16 * TCP_MSS)
#define TCP_SND_QUEUELEN        (4 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG        (2 * TCP_SND_QUEUELEN)
#define TCP_QUEUE_OOSEQ         1
#define LWIP_TCP_SACK_OUT       0
#define LWIP_WND_SCALE          0

/* Checksums in software, every one checked on input ... */
#define CHECKSUM_GEN_IP         1
#define CHECKSUM_GEN_TCP        1
#define CHECKSUM_GEN_UDP        1
#define CHECKSUM_GEN_ICMP       1
#define CHECKSUM_CHECK_IP       1
#define CHECKSUM_CHECK_TCP      1
#define CHECKSUM_CHECK_UDP      1
#define CHECKSUM_CHECK_ICMP     1
/* ... except a frame the kernel flagged XOK_NET_RX_CSUM_OK (the card
 * checked its TCP or UDP sum): exosnet.c turns the netif's TCP and UDP
 * checks off around that frame's input. */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1

/* Counters (lwip_stats) for the tests: drops, checksum and length errors,
 * pool use. */
#define LWIP_STATS              1
#define LWIP_STATS_DISPLAY      0
#define MEM_STATS               1
#define MEMP_STATS              1
#define LINK_STATS              1
#define ETHARP_STATS            1
#define IP_STATS                1
#define TCP_STATS               1
#define LWIP_DEBUG              0

#endif
