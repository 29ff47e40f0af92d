# Build fragment for examples/hello: a server and a client, one scalar.

nobase_pkglibexec_PROGRAMS += examples/hello/hello-server \
	examples/hello/hello-client
examples_hello_hello_server_SOURCES = $(examples_hello_hello_server_portable)
examples_hello_hello_client_SOURCES = $(examples_hello_hello_client_portable)
nobase_dist_pkgdata_DATA += \
	examples/hello/README.md \
	examples/hello/client.c \
	examples/hello/hello.h \
	examples/hello/server.c
