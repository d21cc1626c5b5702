console.log('kucoin-wsapi-rx: the demo arrives with the simulator and the client');
