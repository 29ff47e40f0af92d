/*
 * Process and thread entry for rv32 Xous user processes.
 *
 * The kernel starts a process at _start with sp set below the parameter
 * block, a0 = the .eh_frame address, a1 = the parameter block, and every
 * other register zero (ABI.md section 4). A thread made by CreateThread
 * starts with sp at the top of its stack, a0..a3 = its four arguments,
 * ra = 0xff80_3000 (returning there ends the thread, a0 being the value
 * JoinThread sees) and gp = tp = 0. Both entries therefore set gp, carve a
 * TLS block (errno and friends) off the top of their stack, fill it from
 * the template and point tp at it.
 *
 * .bss is not cleared here: the Xous loader zero-fills NOCOPY (NOBITS)
 * sections, and xous-emu maps fresh zero pages likewise.
 */
	.section .text._start, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	.option	push
	.option	norelax
	la	gp, __global_pointer$
	.option	pop
	mv	s0, a0			/* eh_frame */
	mv	s1, a1			/* parameter block */
	call	tls_on_stack
	mv	a0, s0
	mv	a1, s1
	call	xous__start		/* never returns */
1:	j	1b
	.size	_start, . - _start

	.section .text.xous__thread_trampoline, "ax", @progbits
	.globl	xous__thread_trampoline
	.type	xous__thread_trampoline, @function
xous__thread_trampoline:
	.option	push
	.option	norelax
	la	gp, __global_pointer$
	.option	pop
	mv	s0, a0			/* the caller's argument */
	mv	s1, a1			/* the caller's entry */
	mv	s2, ra			/* the kernel's thread-exit address */
	call	tls_on_stack
	mv	a0, s0
	mv	ra, s2
	jr	s1			/* entry(arg) returns to the exit address */
	.size	xous__thread_trampoline, . - xous__thread_trampoline

/* An interrupt: a0 = irq, a1 = arg, ra = the kernel's IRQ-return address,
 * sp = the interrupted thread's stack, and gp and tp whatever interrupt
 * context holds: the kernel sets neither, so tp is 0 on the device and a
 * handler that touched errno through it would fault near address 0. The
 * handler therefore gets a TLS block of its own, carved off the stack
 * below the interrupted thread's frame and filled from the template on
 * every interrupt (the interrupted thread's TLS is never touched), and
 * runs the handler that syscall.c recorded for a0 (the kernel only
 * delivers claimed numbers, all below XOUS_IRQ_MAX). gp and tp are put
 * back before returning, for a caller that shares them. */
	.section .text.xous__irq_trampoline, "ax", @progbits
	.globl	xous__irq_trampoline
	.type	xous__irq_trampoline, @function
xous__irq_trampoline:
	addi	sp, sp, -32
	sw	ra, 28(sp)
	sw	gp, 24(sp)
	sw	tp, 20(sp)
	sw	s0, 16(sp)
	sw	s1, 12(sp)
	sw	s2, 8(sp)
	sw	s3, 4(sp)
	.option	push
	.option	norelax
	la	gp, __global_pointer$
	.option	pop
	mv	s0, a0			/* irq */
	mv	s1, a1			/* arg */
	mv	s2, sp			/* the frame, above the TLS block */
	call	tls_on_stack		/* clobbers s3, saved above */
	lla	t0, xous__irq_handlers
	slli	t1, s0, 2
	add	t0, t0, t1
	lw	t0, 0(t0)
	beqz	t0, 1f
	mv	a0, s0
	mv	a1, s1
	jalr	t0
1:	mv	sp, s2
	lw	s3, 4(sp)
	lw	s2, 8(sp)
	lw	s1, 12(sp)
	lw	s0, 16(sp)
	lw	tp, 20(sp)
	lw	gp, 24(sp)
	lw	ra, 28(sp)
	addi	sp, sp, 32
	ret
	.size	xous__irq_trampoline, . - xous__irq_trampoline

/* Lowers sp by the TLS size (rounded to 16) and makes that block the
 * calling thread's TLS. Called before any C code that could use TLS; the
 * return address is kept in s3 because sp moves under it. */
	.section .text.tls_on_stack, "ax", @progbits
	.type	tls_on_stack, @function
tls_on_stack:
	mv	s3, ra
	la	t0, __tls_size
	addi	t0, t0, 15
	andi	t0, t0, -16
	sub	sp, sp, t0
	mv	a0, sp
	call	_init_tls
	mv	a0, sp
	call	_set_tls
	mv	ra, s3
	ret
	.size	tls_on_stack, . - tls_on_stack
